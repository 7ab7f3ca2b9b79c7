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
        let environment = cli.environment.sorted { $0.key < $1.key }.map { TmuxScreen.quote("\($0.key)=\($0.value)") }
        let command = "cd \(TmuxScreen.quote(cli.directory.path)) && env -i \(environment.joined(separator: " ")) "
            + ([CLIRunner.binary.path] + Self.arguments + emulator.apiArguments).map(TmuxScreen.quote).joined(separator: " ")
            + "; echo \"[exit $?]\"; sleep 600"
        let screen = try TmuxScreen(command: command)
        defer { screen.close() }

        /// The progress line: the last row that starts with the elapsed time, `[12s] …`.
        func progressLine(_ text: String) -> String? {
            text.split(separator: "\n").last { $0.range(of: #"^\[[0-9]+s\] "#, options: .regularExpression) != nil }.map(String.init)
        }
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
        #expect(finalScreen.contains("import done: 30 rows"), "\(finalScreen)")
    }
}
