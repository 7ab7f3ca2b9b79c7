import Foundation
import Testing
import TestSupport

/// Issue 16, "Logs and progress": a pause over 10 s gets a line with its cause (timestamped when
/// standard error is a log), and on a terminal the progress line names the phase (the tenant
/// being read, a rate-limit pause), moves at least once a second while nothing else happens, and
/// shows no ETA before it means something. The run is the built binary against an emulator that
/// allows 1 request per second and answers `Retry-After: 11`, with half a second of latency:
/// the client (at 1.5 requests per second) is told to wait 11 s while it reads the tenant.
@Suite struct ProgressAndPauseTests {
    /// An emulator whose tenant takes two pages to read and whose rate limit trips once.
    static func slowEmulator() throws -> LoopbackEmulator {
        let emulator = try LoopbackEmulator(rateLimit: 1, faults: "latency=500ms", retryAfter: 11)
        try emulator.seed((1...150).map { ["name": "Tenant \($0)", "email": "tenant\($0)@example.com"] })
        return emulator
    }

    static let arguments = ["import", "people.csv", "--rate", "1.5", "--max-retries", "10"]

    @Test func aLongPauseIsLoggedWithItsCauseAndEveryLineIsTimestamped() throws {
        let emulator = try Self.slowEmulator()
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", peopleCSV(30, prefix: "pause"))
        let run = try cli.run(Self.arguments + emulator.apiArguments)
        #expect(run.status == 0, "\(run)")
        #expect(LogAndSummaryTests.unstamped(run).isEmpty, "\(LogAndSummaryTests.unstamped(run))")
        #expect(run.err.contains("Z resource-batch: waiting 11 s: the API asked to slow down (429, Retry-After)\n"), "\(run)")
        // A log is not silent during the pause either: the progress line comes every few seconds.
        #expect(run.err.range(of: #"Z \[[0-9]+s\] waiting [0-9]+ s: the API asked to slow down"#, options: .regularExpression) != nil,
                "\(run)")
        #expect(try emulator.stats()["throttled", default: 0] >= 1)
        #expect(try emulator.resources().count == 180)
    }

    @Test func theTerminalLineNamesThePhaseAndMovesEverySecond() throws {
        guard TmuxScreen.available() else { return }
        let emulator = try Self.slowEmulator()
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", peopleCSV(30, prefix: "tty"))
        let screen = try Self.terminalRun(cli, Self.arguments + emulator.apiArguments)
        defer { screen.close() }
        let progressLine = Self.progressLine
        var lines: [String] = []
        var moved: (String, String)?
        var finalScreen = ""
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let text = screen.capture()
            if text.contains("[exit ") {
                finalScreen = text
                break
            }
            if let line = progressLine(text) {
                lines.append(line)
                // During the 11 s pause nothing happens: the line must still move within 1.5 s.
                if moved == nil, line.contains("waiting") {
                    Thread.sleep(forTimeInterval: 1.5)
                    moved = (line, progressLine(screen.capture()) ?? "")
                }
            }
            Thread.sleep(forTimeInterval: 0.25)
        }
        #expect(finalScreen.contains("[exit 0]"), "\(finalScreen)\n\(lines)")
        let reading = lines.filter { $0.contains("] reading the tenant") }
        #expect(!reading.isEmpty, "\(lines)")
        #expect(reading.allSatisfy { !$0.contains("ETA") }, "\(reading)")
        #expect(lines.contains { $0.contains("] waiting ") && $0.contains(" s: the API asked to slow down (429, Retry-After)") },
                "\(lines)")
        let (before, after) = try #require(moved, "no capture showed the pause: \(lines)")
        #expect(before != after && after.hasPrefix("["), "the line did not move in 1.5 s: \(before) | \(after)")
        // The pause's own line stays on the screen above the progress line, and the summary follows.
        #expect(finalScreen.contains("resource-batch: waiting 11 s: the API asked to slow down (429, Retry-After)"), "\(finalScreen)")
        #expect(finalScreen.contains("import done: 180 rows: 30 created, 150 missing"), "the 150 tenant resources the file does not name are missing rows: \(finalScreen)")
    }

    @Test func exportShowsTheResourcesWrittenAndThePagesOnATerminal() throws {
        guard TmuxScreen.available() else { return }
        let emulator = try LoopbackEmulator(faults: "latency=1s")
        defer { emulator.stop() }
        try emulator.seed((1...250).map { ["name": "Listed \($0)", "email": "listed\($0)@example.com"] })
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let screen = try Self.terminalRun(cli, ["export", "--out", "all.csv"] + emulator.apiArguments)
        defer { screen.close() }
        var lines: [String] = []
        var finalScreen = ""
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let text = screen.capture()
            if text.contains("[exit ") {
                finalScreen = text
                break
            }
            if let line = Self.progressLine(text) { lines.append(line) }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(finalScreen.contains("[exit 0]"), "\(finalScreen)")
        #expect(lines.contains { $0.contains("] listing the tenant") }, "\(lines)")
        // A page a second: the line shows what was written so far, page by page.
        #expect(lines.contains { $0.contains("listing the tenant: exported 100 resources, ") && $0.hasSuffix(", 1 page") }
                || lines.contains { $0.contains("listing the tenant: exported 200 resources, ") && $0.hasSuffix(", 2 pages") }, "\(lines)")
        #expect(finalScreen.contains("export done: 250 rows"), "\(finalScreen)")
        #expect(try cli.readText("all.csv").components(separatedBy: "@example.com").count - 1 == 250)
    }

    /// Runs the binary with `arguments` in a tmux terminal, in the runner's directory and with
    /// exactly its environment; the screen shows `[exit N]` when it ends.
    static func terminalRun(_ cli: CLIRunner, _ arguments: [String]) throws -> TmuxScreen {
        let environment = cli.environment.sorted { $0.key < $1.key }.map { TmuxScreen.quote("\($0.key)=\($0.value)") }
        let command = "cd \(TmuxScreen.quote(cli.directory.path)) && env -i \(environment.joined(separator: " ")) "
            + ([CLIRunner.binary.path] + arguments).map(TmuxScreen.quote).joined(separator: " ")
            + "; echo \"[exit $?]\"; sleep 600"
        return try TmuxScreen(command: command)
    }

    /// The progress line: the last row that starts with the elapsed time, `[12s] …`.
    static func progressLine(_ text: String) -> String? {
        text.split(separator: "\n").last { $0.range(of: #"^\[[0-9]+s\] "#, options: .regularExpression) != nil }.map(String.init)
    }
}
