import Foundation
import Testing
import TestSupport

/// cli.md "Installing and running unattended": `--version` with the commit, the secret from a file
/// (`ONSCHED_CLIENT_SECRET_FILE`, systemd's `$CREDENTIALS_DIRECTORY`), and the man page and
/// completion scripts agreeing with `help` on every option of every command.
@Suite struct OperatorBasicsTests {
    // MARK: --version

    @Test func versionNamesTheVersionAndTheCommit() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let result = try cli.run(["--version"])
        #expect(result.status == 0, "\(result)")
        // `swift build` records no commit; `make` bakes in `git rev-parse` (checked by ReleaseInstallTests).
        let pattern = #"^resource-batch [0-9]+\.[0-9]+\.[0-9]+ \((commit [0-9a-f]{7,40}(-dirty)?|unknown commit)\)\n$"#
        #expect(result.out.range(of: pattern, options: .regularExpression) != nil, "\(result)")
        #expect(result.err.isEmpty)
    }

    // MARK: the secret from a file

    /// An export against an emulator that accepts only `secret`, with the environment `env` adds.
    func export(_ cli: CLIRunner, _ emulator: LoopbackEmulator, env: [String: String]) throws -> CLIResult {
        cli.environment["ONSCHED_CLIENT_ID"] = LoopbackEmulator.clientId
        cli.environment["ONSCHED_CLIENT_SECRET"] = nil
        for (k, v) in env { cli.environment[k] = v }
        defer { for k in env.keys { cli.environment[k] = nil } }
        try? FileManager.default.removeItem(atPath: cli.path("out.csv"))
        return try cli.run(["export", "--out", "out.csv"] + emulator.apiArguments)
    }

    @Test func theSecretComesFromAFileOrASystemdCredential() throws {
        let emulator = try LoopbackEmulator(clientId: LoopbackEmulator.clientId, clientSecret: LoopbackEmulator.clientSecret)
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        // One trailing newline (as `echo` writes it) is dropped.
        try cli.write("secret.txt", LoopbackEmulator.clientSecret + "\n")
        let fromFile = try export(cli, emulator, env: ["ONSCHED_CLIENT_SECRET_FILE": cli.path("secret.txt")])
        #expect(fromFile.status == 0, "\(fromFile)")
        #expect(cli.exists("out.csv"))

        try FileManager.default.createDirectory(atPath: cli.path("creds"), withIntermediateDirectories: true)
        try cli.write("creds/onsched-client-secret", LoopbackEmulator.clientSecret)
        let fromCredentials = try export(cli, emulator, env: ["CREDENTIALS_DIRECTORY": cli.path("creds")])
        #expect(fromCredentials.status == 0, "\(fromCredentials)")

        // Only one newline goes: a secret with two is a different secret, and the API refuses it.
        try cli.write("two.txt", LoopbackEmulator.clientSecret + "\n\n")
        let two = try export(cli, emulator, env: ["ONSCHED_CLIENT_SECRET_FILE": cli.path("two.txt")])
        #expect(two.status == 2, "\(two)")
        #expect(two.err.contains(cli.path("two.txt")), "\(two)")
    }

    @Test func aSecretFileThatCannotBeUsedIsNamedAndNothingIsSent() throws {
        let emulator = try LoopbackEmulator(clientId: LoopbackEmulator.clientId, clientSecret: LoopbackEmulator.clientSecret)
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        try cli.write("empty.txt", "\n")
        try cli.write("secret.txt", LoopbackEmulator.clientSecret)
        let cases: [(String, [String: String], [String])] = [
            ("missing file", ["ONSCHED_CLIENT_SECRET_FILE": cli.path("nope.txt")], [cli.path("nope.txt"), "does not exist"]),
            ("empty file", ["ONSCHED_CLIENT_SECRET_FILE": cli.path("empty.txt")], [cli.path("empty.txt"), "empty"]),
            ("a directory", ["ONSCHED_CLIENT_SECRET_FILE": cli.directory.path], [cli.directory.path, "directory"]),
            ("both variables", ["ONSCHED_CLIENT_SECRET_FILE": cli.path("secret.txt"), "ONSCHED_CLIENT_SECRET": "x"],
             ["ONSCHED_CLIENT_SECRET", "ONSCHED_CLIENT_SECRET_FILE", "only one"]),
            ("credentials directory without the file", ["CREDENTIALS_DIRECTORY": cli.directory.path],
             [cli.path("onsched-client-secret"), "does not exist"]),
        ]
        for (name, env, needles) in cases {
            let result = try export(cli, emulator, env: env)
            #expect(result.status == 2, "\(name): \(result)")
            for needle in needles { #expect(result.err.contains(needle), "\(name): '\(needle)' in \(result)") }
            #expect(!cli.exists("out.csv"), "\(name)")
        }
        let stats = try emulator.stats()
        #expect(stats["requests", default: 0] == 0, "nothing reached the API: \(stats)")
    }

    // MARK: help, man page and completion agree

    /// The commands the overview lists (`resource-batch --help`).
    static func commands(_ cli: CLIRunner) throws -> [String] {
        let overview = try cli.run(["--help"]).out
        guard let start = overview.range(of: "commands:\n") else { return [] }
        return overview[start.upperBound...].split(separator: "\n").prefix { $0.hasPrefix("  ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// The options `help COMMAND` lists (lines starting `  --name`), without `--help`.
    static func helpOptions(_ cli: CLIRunner, _ command: String) throws -> [String] {
        let help = try cli.run(["help", command])
        return help.out.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  --") else { return nil }
            let name = line.dropFirst(4).prefix { $0.isLetter || $0.isNumber || $0 == "-" }
            return name == "help" ? nil : String(name)
        }
    }

    /// The text between `start` and the next line matching `end` (a command's part of a script).
    static func section(_ text: String, from start: String, endingAt end: String) -> String {
        guard let s = text.range(of: start) else { return "" }
        let rest = text[s.upperBound...]
        let stop = rest.range(of: end, options: .regularExpression)?.lowerBound ?? rest.endIndex
        return String(rest[..<stop])
    }

    @Test func everyOptionOfEveryCommandIsInHelpTheManPageAndEachCompletion() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let commands = try Self.commands(cli)
        #expect(Set(["import", "validate", "export", "auth-links", "emulator", "completion", "man", "help"]).isSubset(of: commands), "\(commands)")
        let man = try cli.run(["man"])
        #expect(man.status == 0 && man.out.hasPrefix(".\\\"") && man.out.contains("\n.TH RESOURCE\\-BATCH 1 "), "\(man)")
        // troff reads bytes: anything beyond ASCII is written as an escape.
        #expect(man.stdout.allSatisfy { $0 < 0x80 }, "the man page is ASCII")
        let bash = try cli.run(["completion", "bash"]).out
        let zsh = try cli.run(["completion", "zsh"]).out
        let fish = try cli.run(["completion", "fish"]).out
        var checked = 0
        for command in commands where command != "help" {
            let options = try Self.helpOptions(cli, command)
            let manPart = Self.section(man.out, from: ".SS \"\(command)\"\n", endingAt: "\n\\.S[SH] ")
            let bashLine = Self.section(bash, from: "\n        \(command)) opts=\"", endingAt: "\"")
            let zshPart = Self.section(zsh, from: "\n        \(command))\n", endingAt: "\n            ;;")
            #expect(!manPart.isEmpty && zshPart.contains("_arguments"), "\(command) has a part in the man page and zsh script")
            #expect(bash.contains("\n        \(command)) opts=\""), "\(command) in the bash script")
            #expect(fish.contains("-a \(command) -d "), "\(command) in the fish script")
            for option in options {
                let troff = "\\-\\-" + option.replacingOccurrences(of: "-", with: "\\-")
                #expect(manPart.contains("\n.B \(troff)\n") || manPart.contains("\n.BI \(troff) "), "man page: \(command) --\(option)")
                #expect(bashLine.split(separator: " ").contains(Substring("--\(option)")), "bash: \(command) --\(option)")
                #expect(zshPart.contains("'--\(option)[") || zshPart.contains("'*--\(option)["), "zsh: \(command) --\(option)")
                #expect(fish.contains("-n '__fish_seen_subcommand_from \(command)' -l \(option) "), "fish: \(command) --\(option)")
                checked += 1
            }
        }
        // The parse itself works: import alone has more than twenty options.
        #expect(try Self.helpOptions(cli, "import").count > 20)
        #expect(checked > 60, "\(checked) options checked")
    }

    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test(.enabled(if: (tool("zsh") != nil && tool("fish") != nil) || inCI, "zsh and fish are not installed"))
    func theZshAndFishScriptsParseAndFishCompletes() throws {
        let zsh = try #require(Self.tool("zsh"), "zsh is required under CI=true (.ci/run installs it)")
        let fish = try #require(Self.tool("fish"), "fish is required under CI=true (.ci/run installs it)")
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        try cli.write("_resource-batch", try cli.run(["completion", "zsh"]).stdout)
        try cli.write("resource-batch.fish", try cli.run(["completion", "fish"]).stdout)
        let zshCheck = try ChildProcess.run(zsh, ["-n", cli.path("_resource-batch")], timeout: 30)
        #expect(zshCheck.status == 0, "zsh -n: \(zshCheck.stderrText)")
        let fishCheck = try ChildProcess.run(fish, ["--no-execute", cli.path("resource-batch.fish")], timeout: 30)
        #expect(fishCheck.status == 0, "fish --no-execute: \(fishCheck.stderrText)")
        // fish answers `complete -C` as it would at a prompt.
        let probe = "source \(cli.path("resource-batch.fish")); complete -C 'resource-batch imp'; echo ---; complete -C 'resource-batch export --format '"
        let run = try ChildProcess.run(fish, ["--no-config", "-c", probe], environment: ["HOME": cli.directory.path, "PATH": "/usr/bin:/bin"], timeout: 30)
        let parts = run.stdoutText.components(separatedBy: "---\n")
        #expect(run.status == 0 && parts.count == 2, "\(run.stdoutText) \(run.stderrText)")
        #expect(parts.first?.hasPrefix("import\t") == true, "\(run.stdoutText)")
        #expect(parts.last?.split(separator: "\n").map { String($0.prefix { $0 != "\t" }) } == ["csv", "jsonl", "xlsx"], "\(run.stdoutText)")
    }

    @Test func theBashScriptParsesAndCompletes() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        let script = try cli.run(["completion", "bash"])
        #expect(script.status == 0)
        try cli.write("completion.bash", script.stdout)
        let syntax = try ChildProcess.run("/bin/bash", ["-n", cli.path("completion.bash")], timeout: 30)
        #expect(syntax.status == 0, "bash -n: \(syntax.stderrText)")
        // As bash calls it: the words so far, the cursor's word, and the function fills COMPREPLY.
        let probe = """
        source \(cli.path("completion.bash"))
        complete -p resource-batch
        COMP_WORDS=(resource-batch imp); COMP_CWORD=1; _resource_batch; echo "1: ${COMPREPLY[*]}"
        COMP_WORDS=(resource-batch import --report-f); COMP_CWORD=2; _resource_batch; echo "2: ${COMPREPLY[*]}"
        COMP_WORDS=(resource-batch export --format ''); COMP_CWORD=3; _resource_batch; echo "3: ${COMPREPLY[*]}"
        COMP_WORDS=(resource-batch completion ''); COMP_CWORD=2; _resource_batch; echo "4: ${COMPREPLY[*]}"
        """
        let run = try ChildProcess.run("/bin/bash", ["-c", probe], timeout: 30)
        #expect(run.status == 0, "\(run.stderrText)")
        let lines = run.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.contains("complete -F _resource_batch resource-batch"), "\(lines)")
        #expect(lines.contains("1: import"), "\(lines)")
        #expect(lines.contains("2: --report-format"), "\(lines)")
        #expect(lines.contains("3: csv jsonl xlsx"), "\(lines)")
        #expect(lines.contains("4: bash zsh fish"), "\(lines)")
        let unknown = try cli.run(["completion", "tcsh"])
        #expect(unknown.status == 2 && unknown.err.contains("bash, zsh, fish"), "\(unknown)")
    }
}
