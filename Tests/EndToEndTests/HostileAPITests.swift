import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// An API that does not play fair (issue 12), as a real scripted peer in its own process: the
/// binary must end on its own, say why, and leak nothing.
@Suite struct HostileAPITests {
    func cliWithPeople() throws -> CLIRunner {
        let cli = try CLIRunner()
        cli.useCredentials()
        try cli.write("people.csv", peopleCSV(3))
        return cli
    }

    /// `Retry-After: 1000000000` on every API call: a signal still ends the run, gracefully
    /// (exit 130, not killed), for import and auth-links, whatever the pause.
    @Test(arguments: [SIGTERM, SIGHUP, SIGINT])
    func aSignalEndsARunPausedByAHugeRetryAfter(signal: Int32) throws {
        guard ScriptedPeer.available() else { return }
        for command in ["import", "auth-links"] {
            let peer = try ScriptedPeer(.retryAfterForever)
            defer { peer.stop() }
            let cli = try cliWithPeople()
            defer { cli.cleanUp() }
            let arguments = command == "import"
                ? ["import", "people.csv", "--hosting-check", "off", "--rate", "100"]
                : ["auth-links", "--out", "links.csv"] + returnOptions
            let run = try cli.start(arguments + peer.apiArguments)
            let paused = run.waitUntil { peer.requests.contains { $0.hasPrefix("GET /setup/") } }
            #expect(paused, "\(command): the API was asked: \(peer.requests)")
            run.signal(signal)
            let result = run.wait(timeLimit: 60)
            #expect(!result.timedOut, "\(command) after signal \(signal): \(result)")
            #expect(result.status == 130, "\(command) after signal \(signal): \(result)")
        }
    }
}
