import Foundation
import TestSupport
import Testing

/// cli.md "Output, progress and exit codes" and "Installing and running unattended", as a cron
/// log sees them (standard error is a pipe here, not a terminal): every line for people starts
/// with an ISO 8601 UTC time, a start line says which build ran what against which API,
/// `--summary-json` carries the version and the start and end times; and `export` / `auth-links`
/// never replace an existing file without `--force`.
@Suite struct LogAndSummaryTests {
    static let stamp = #"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z "#

    /// The lines of standard error that do not start with a timestamp.
    static func unstamped(_ result: CLIResult) -> [String] {
        result.err.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .filter { $0.range(of: stamp, options: .regularExpression) == nil }.map(String.init)
    }

    /// The version line `--version` prints, less the program name: `0.1.0 (unknown commit)`.
    static func versionText(_ cli: CLIRunner) throws -> String {
        let out = try cli.run(["--version"]).out.trimmingCharacters(in: .newlines)
        return String(out.dropFirst("resource-batch ".count))
    }

    @Test func everyLineOfALogIsTimestampedAndTheRunIsNamedFirst() throws {
        let emulator = try LoopbackEmulator(faults: "error=0.1", seed: 3)
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let version = try Self.versionText(cli)
        var lines = peopleCSV(60, prefix: "log").split(separator: "\n").map(String.init)
        lines.append(",nobody@example.com") // an invalid row: warnings and an errors file in the log
        try cli.write("people.csv", lines.joined(separator: "\n") + "\n")

        let validate = try cli.run(["validate", "people.csv"])
        #expect(validate.status == 1, "\(validate)")
        #expect(Self.unstamped(validate).isEmpty, "\(Self.unstamped(validate))")
        let first = validate.err.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasSuffix(" resource-batch \(version): validate people.csv, no API"), "\(first)")
        #expect(validate.err.contains("Z validate finished with problems: 61 rows"), "\(validate)")

        let imported = try cli.run(["import", "people.csv", "--chunk-size", "10", "--rate", "200", "--max-retries", "10"]
                                   + returnOptions + emulator.apiArguments)
        #expect(imported.status == 1, "\(imported)")
        #expect(Self.unstamped(imported).isEmpty, "\(Self.unstamped(imported))")
        #expect(imported.err.contains("Z import finished with problems: 61 rows"), "\(imported)")
        let importFirst = imported.err.split(separator: "\n").first.map(String.init) ?? ""
        #expect(importFirst.hasSuffix(" resource-batch \(version): import people.csv, API \(emulator.url.absoluteString)"), "\(importFirst)")

        let exported = try cli.run(["export", "--out", "export.csv", "--max-retries", "10"] + emulator.apiArguments)
        #expect(exported.status == 0, "\(exported)")
        #expect(Self.unstamped(exported).isEmpty, "\(Self.unstamped(exported))")
        let exportFirst = exported.err.split(separator: "\n").first.map(String.init) ?? ""
        #expect(exportFirst.hasSuffix(" resource-batch \(version): export, API \(emulator.url.absoluteString)"), "\(exportFirst)")

        // A refusal is a log line like any other.
        let refused = try cli.run(["export", "--out", "export.csv"] + emulator.apiArguments)
        #expect(refused.status == 2)
        #expect(Self.unstamped(refused).isEmpty, "\(refused)")
        // Data on standard output is never stamped.
        let toStdout = try cli.run(["export", "--out", "-", "--max-retries", "10"] + emulator.apiArguments)
        #expect(toStdout.status == 0 && toStdout.out.hasPrefix("id,name,"), "\(toStdout.out.prefix(200))")
        // --quiet: nothing at all, not even the start line.
        let quiet = try cli.run(["validate", "people.csv", "--quiet", "--report", "q.csv", "--errors", "q-errors.csv"])
        #expect(quiet.err.isEmpty, "\(quiet)")
    }

    @Test func theSummaryJSONCarriesTheVersionAndTheStartAndEndTimes() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let version = try Self.versionText(cli)
        try cli.write("people.csv", peopleCSV(20, prefix: "sum"))
        let before = Date(timeIntervalSinceNow: -1)
        let imported = try cli.run(["import", "people.csv", "--summary-json", "import.json"] + returnOptions + emulator.apiArguments)
        #expect(imported.status == 0, "\(imported)")
        let links = try cli.run(["auth-links", "--out", "links.csv", "--summary-json", "links.json"] + returnOptions + emulator.apiArguments)
        #expect(links.status == 0, "\(links)")
        let after = Date(timeIntervalSinceNow: 1)
        let iso = ISO8601DateFormatter()
        for name in ["import.json", "links.json"] {
            let summary = try summaryJSON(cli, name)
            #expect(summary["version"] as? String == version, "\(name): \(summary)")
            let started = try #require((summary["startedAt"] as? String).flatMap(iso.date(from:)), "\(name): \(summary)")
            let finished = try #require((summary["finishedAt"] as? String).flatMap(iso.date(from:)), "\(name): \(summary)")
            #expect(before <= started && started <= finished && finished <= after, "\(name): \(started) … \(finished)")
            #expect((summary["startedAt"] as? String)?.hasSuffix("Z") == true, "in UTC")
        }
    }

    @Test func exportAndAuthLinksReplaceAnExistingFileOnlyWithForce() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", peopleCSV(5, prefix: "force"))
        #expect(try cli.run(["import", "people.csv"] + returnOptions + emulator.apiArguments).status == 0)
        for (command, extra) in [("export", [String]()), ("auth-links", ["--all"] + returnOptions)] {
            let requestsBefore = try emulator.stats()["requests", default: 0]
            // The default name too: `export` with no --out must not replace a resources.csv that is there.
            let defaultName = command == "export" ? "resources.csv" : "auth-links.csv"
            for name in ["kept.csv", defaultName] {
                try cli.write(name, "precious,data\n")
                let out = name == defaultName ? [] : ["--out", name]
                let refused = try cli.run([command] + out + extra + emulator.apiArguments)
                #expect(refused.status == 2, "\(command) \(name): \(refused)")
                #expect(refused.err.contains("\(name) exists") && refused.err.contains("--force"), "\(refused)")
                #expect(try cli.readText(name) == "precious,data\n", "\(command) left \(name) alone")
            }
            #expect(try emulator.stats()["requests", default: 0] == requestsBefore, "\(command): nothing was sent")
            // A symbolic link at the path (even a dangling one) is something there, too.
            try FileManager.default.createSymbolicLink(atPath: cli.path("\(command)-link.csv"), withDestinationPath: cli.path("nowhere.csv"))
            let link = try cli.run([command, "--out", "\(command)-link.csv"] + extra + emulator.apiArguments)
            #expect(link.status == 2 && !cli.exists("nowhere.csv"), "\(link)")

            let forced = try cli.run([command, "--out", "kept.csv", "--force"] + extra + emulator.apiArguments)
            #expect(forced.status == 0, "\(forced)")
            // The people have no calendars: auth-links writes only its header, export every person.
            let replaced = try cli.readText("kept.csv")
            #expect(replaced.hasPrefix(command == "export" ? "id,name," : "row,line,status,"), "\(command) --force replaced the file: \(replaced)")
            if command == "export" { #expect(replaced.contains("force1@example.com")) }
        }
    }
}
