import Foundation
import TestSupport
import Testing

/// Exit 3: the run stopped because going on was pointless (credentials rejected, API
/// unreachable), saying why, with nothing created.
@Suite struct StoppedRunTests {
    @Test func wrongCredentialsStopWithExit3AndCreateNothing() throws {
        let emulator = try LoopbackEmulator(clientId: "x", clientSecret: "y")
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()  // sbox-test / secret-xyz: not what this emulator accepts
        try cli.write("people.csv", peopleCSV(5))

        let result = try cli.run(["import", "people.csv", "--rate", "100"] + emulator.apiArguments)
        #expect(result.status == 3, "\(result)")
        #expect(result.err.contains("credentials rejected"), "says why: \(result.err)")
        #expect(result.err.contains("nothing was sent"), "\(result.err)")
        // A run that sent nothing leaves no journal: tomorrow's run starts clean.
        #expect(!cli.exists("people.report.csv.journal"), "\(cli.allFiles())")
        #expect(try emulator.resources().isEmpty)
        #expect(try emulator.stats()["creates"] == 0)

        let export = try cli.run(["export", "--out", "x.csv"] + emulator.apiArguments)
        #expect(export.status == 3, "\(export)")
        #expect(export.err.contains("credentials rejected"), "\(export.err)")
        let links = try cli.run(["auth-links", "--out", "links.csv"] + returnOptions + emulator.apiArguments)
        #expect(links.status == 3, "\(links)")
        #expect(links.err.contains("credentials rejected"), "\(links.err)")
    }

    @Test func anUnreachableAPIStopsWithExit3() throws {
        let port = try LoopbackHTTP.unusedPort()
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", peopleCSV(5))
        let api = ["--api-url", "http://127.0.0.1:\(port)", "--max-retries", "1"]

        let result = try cli.run(["import", "people.csv"] + api)
        #expect(result.status == 3, "\(result)")
        #expect(result.err.contains("could not connect"), "says why: \(result.err)")
        let export = try cli.run(["export", "--out", "x.csv"] + api)
        #expect(export.status == 3, "\(export)")
        #expect(export.err.contains("could not connect"), "\(export.err)")
    }
}
