import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The journal's promise, tested on the real binary: killed (SIGKILL) or interrupted (SIGINT) at
/// any moment, `--resume` finishes the same input without creating anything twice; one run at a
/// time per journal; a journal only resumes the file it was made from.
@Suite struct CrashResumeTests {
    static let journal = "people.report.csv.journal"

    /// Checks the end state after the last run: each of `count` e-mails exactly once on the
    /// emulator, and a complete report whose rows name those resources.
    static func expectEachRowOnce(_ emulator: LoopbackEmulator, _ cli: CLIRunner, count: Int, prefix: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        let resources = try emulator.resources()
        let found = emails(of: resources)
        #expect(resources.count == count, "each row exactly once on the API", sourceLocation: sourceLocation)
        let missing = Set(peopleEmails(count, prefix: prefix)).subtracting(found)
        #expect(missing.isEmpty, "\(missing.count) rows missing, e.g. \(missing.sorted().prefix(5))", sourceLocation: sourceLocation)
        let report = try cli.table("people.report.csv")
        expectCompleteReport(report, rows: count, sourceLocation: sourceLocation)
        // Every row is a new person: each one was created, by this run or an interrupted one.
        #expect(tally(statuses(report)) == ["created": count], sourceLocation: sourceLocation)
        let idByEmail = Dictionary(uniqueKeysWithValues: resources.map { (($0["email"] as! String).lowercased(), $0["id"] as! String) })
        let wrong = report.rows.filter { idByEmail[$0[5].lowercased()] != $0[3] }
        #expect(wrong.isEmpty, "report lines name their resource: \(wrong.prefix(3))", sourceLocation: sourceLocation)
    }

    @Test(.enabled(if: LongTests.enabled, "a real-time soak test: set RESOURCE_BATCH_LONG_TESTS=1 to run it"), arguments: [(UInt64(1), "email"), (99, "email"), (5, "none")])
    func killedAtRandomMomentsThenResumedCreatesEachRowOnce(seed: UInt64, matchBy: String) throws {
        let emulator = try LoopbackEmulator(faults: "latency=20ms", seed: seed)
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let count = 2000
        let prefix = "k\(seed)-"
        try cli.write("people.csv", peopleCSV(count, prefix: prefix))
        let arguments = ["import", "people.csv", "--chunk-size", "10", "--concurrency", "2", "--rate", "80", "--quiet",
                         "--match-by", matchBy] + emulator.apiArguments

        var random = SeededRandom(seed: seed)
        var kills = 0
        var finishedEarly = false
        for _ in 0..<4 {
            let resume = cli.exists(Self.journal) ? ["--resume"] : []
            let run = try cli.start(arguments + resume)
            usleep(UInt32.random(in: 150_000...1_500_000, using: &random))
            run.signal(SIGKILL)
            let result = run.wait()
            if result.status == 0 {
                finishedEarly = true
                break
            }
            #expect(result.status == 128 + SIGKILL, "\(result)")
            kills += 1
        }
        if !finishedEarly {
            let resume = cli.exists(Self.journal) ? ["--resume"] : []
            let last = try cli.run(arguments + resume)
            #expect(last.status == 0, "\(last)")
        }
        #expect(kills > 0, "at least one run was killed mid-way")
        try Self.expectEachRowOnce(emulator, cli, count: count, prefix: prefix)
        #expect(!cli.exists(Self.journal))
    }

    @Test func aSecondRunOnTheSameJournalIsRefusedAndResumeNeedsTheSameFile() throws {
        let emulator = try LoopbackEmulator(faults: "latency=20ms")
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let count = 600
        try cli.write("people.csv", peopleCSV(count, prefix: "lock"))
        try cli.write("other.csv", peopleCSV(count, prefix: "other"))
        func arguments(rate: Int = 20) -> [String] {
            ["import", "people.csv", "--chunk-size", "5", "--concurrency", "1", "--rate", String(rate), "--quiet"] + emulator.apiArguments
        }

        let first = try cli.start(arguments())
        defer { first.signal(SIGKILL) }
        #expect(first.waitUntil { cli.lineCount(Self.journal) >= 2 }, "the first run writes its journal")

        let second = try cli.run(arguments())
        #expect(second.status == 2, "\(second)")
        #expect(second.err.contains("process \(first.pid)"), "names the PID holding the journal: \(second.err)")
        let secondResume = try cli.run(arguments() + ["--resume"])
        #expect(secondResume.status == 2, "\(secondResume)")
        #expect(secondResume.err.contains("process \(first.pid)"), "\(secondResume.err)")

        first.signal(SIGKILL)
        #expect(first.wait().status == 128 + SIGKILL)
        // A request the killed run had in flight may still be applied by the emulator: wait
        // until the count settles before taking it as the baseline.
        var settled = try emulator.stats()["creates"]
        while true {
            usleep(300_000)
            let now = try emulator.stats()["creates"]
            if now == settled { break }
            settled = now
        }

        // The journal belongs to people.csv: resuming it with another file is refused, nothing sent.
        let createsBefore = try emulator.stats()["creates"]
        let other = try cli.run(["import", "other.csv", "--resume", "--journal", Self.journal, "--quiet"] + emulator.apiArguments)
        #expect(other.status == 2, "\(other)")
        #expect(other.err.contains("different file"), "\(other.err)")
        #expect(try emulator.stats()["creates"] == createsBefore)
        // Without --resume, the same command finishes the interrupted run of the same file
        // (a nightly job needs no manual step), and creates nothing twice.
        let again = try cli.run(arguments(rate: 200))
        #expect(again.status == 0, "\(again)")
        try Self.expectEachRowOnce(emulator, cli, count: count, prefix: "lock")
        #expect(!cli.exists(Self.journal))
    }

    /// The API goes away mid-run: the run stops with exit 3 after its retries; once the API is
    /// back (same data, same port), `--resume` finishes without creating anything twice.
    @Test(.enabled(if: LongTests.enabled, "a real-time soak test: set RESOURCE_BATCH_LONG_TESTS=1 to run it")) func anAPIThatGoesAwayStopsTheRunWithExit3AndResumeFinishes() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let data = cli.path("emulator-data")
        var emulator = try LoopbackEmulator(faults: "latency=20ms", dataDirectory: data)
        let port = emulator.port
        defer { emulator.stop() }
        let count = 800
        try cli.write("people.csv", peopleCSV(count, prefix: "gone"))
        let arguments = ["import", "people.csv", "--chunk-size", "10", "--concurrency", "2", "--rate", "40",
                         "--max-retries", "2"] + emulator.apiArguments

        let run = try cli.start(arguments)
        defer { run.signal(SIGKILL) }
        #expect(run.waitUntil { cli.lineCount(Self.journal) >= 6 }, "rows are being sent")
        emulator.stop()
        let stopped = run.wait()
        #expect(stopped.status == 3, "\(stopped)")
        #expect(stopped.err.contains("--resume"), "\(stopped.err)")

        emulator = try LoopbackEmulator(port: port, dataDirectory: data)
        let partial = try emulator.resources().count
        #expect(partial > 0 && partial < count, "the data survived and the run had stopped mid-way: \(partial)")
        let resumed = try cli.run(arguments + ["--resume"])
        #expect(resumed.status == 0, "\(resumed)")
        try Self.expectEachRowOnce(emulator, cli, count: count, prefix: "gone")
    }

    /// The API restarts mid-run (same data, same port) and forgets every access token: the run
    /// rides it out (retries, then a fresh token after the 401) and finishes by itself.
    @Test(.enabled(if: LongTests.enabled, "a real-time soak test: set RESOURCE_BATCH_LONG_TESTS=1 to run it")) func anAPIRestartMidRunIsRiddenOut() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let data = cli.path("emulator-data")
        var emulator = try LoopbackEmulator(faults: "latency=20ms", dataDirectory: data)
        let port = emulator.port
        defer { emulator.stop() }
        let count = 600
        try cli.write("people.csv", peopleCSV(count, prefix: "restart"))
        let run = try cli.start(["import", "people.csv", "--chunk-size", "10", "--concurrency", "2", "--rate", "40",
                                 "--max-retries", "10"] + emulator.apiArguments)
        defer { run.signal(SIGKILL) }
        #expect(run.waitUntil { cli.lineCount(Self.journal) >= 6 }, "rows are being sent")
        emulator.stop()
        emulator = try LoopbackEmulator(faults: "latency=20ms", port: port, dataDirectory: data)
        let result = run.wait()
        #expect(result.status == 0, "\(result)")
        try Self.expectEachRowOnce(emulator, cli, count: count, prefix: "restart")
    }

    /// The rows of create intents with neither an outcome nor a withdrawal, from the journal's
    /// lines as any JSON reader sees them.
    static func uncertainRows(in journal: [UInt8]) throws -> Set<Int> {
        var open: [Int: Int] = [:]
        for line in journal.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            switch entry["t"] as? String {
            case "intent" where entry["op"] as? String == "create":
                for row in entry["rows"] as? [Int] ?? [] { open[row, default: 0] += 1 }
            case "done":
                for outcome in entry["rows"] as? [[String: Any]] ?? [] { open[outcome["row"] as? Int ?? 0] = nil }
            case "withdrawn":
                for row in entry["rows"] as? [Int] ?? [] { open[row] = (open[row] ?? 0) > 1 ? open[row]! - 1 : nil }
            default: break
            }
        }
        return Set(open.keys)
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsWith130AndResumeFinishes(signal: Int32) throws {
        let emulator = try LoopbackEmulator(faults: "latency=20ms")
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let count = 1000
        let prefix = "int\(signal)-"
        try cli.write("people.csv", peopleCSV(count, prefix: prefix))
        func arguments(rate: Int) -> [String] {
            ["import", "people.csv", "--chunk-size", "10", "--concurrency", "2", "--rate", String(rate)] + emulator.apiArguments
        }

        let run = try cli.start(arguments(rate: 30))
        defer { run.signal(SIGKILL) }
        // Wait until rows are being sent (the signal trap is set by then), then interrupt.
        #expect(run.waitUntil { cli.lineCount(Self.journal) >= 4 })
        run.signal(signal)
        let stopped = run.wait()
        #expect(stopped.status == 130, "\(stopped)")
        #expect(stopped.err.contains("--resume"), "says how to continue: \(stopped.err)")
        #expect(cli.exists(Self.journal), "the journal stays for --resume")
        // Every request in flight was answered before the exit, and the chunks whose intent went
        // ahead of them (group commit) are withdrawn: no row is left for --resume to look up.
        #expect(try Self.uncertainRows(in: cli.read(Self.journal)).isEmpty)
        let partial = try emulator.resources().count
        #expect(partial > 0 && partial < count, "stopped mid-way: \(partial)")

        let resumed = try cli.run(arguments(rate: 200) + ["--resume"])
        #expect(resumed.status == 0, "\(resumed)")
        try Self.expectEachRowOnce(emulator, cli, count: count, prefix: prefix)
    }
}
