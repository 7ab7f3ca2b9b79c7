import Foundation
import TestSupport
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

    static let transports: [[String: String]] = [[:], ["RESOURCE_BATCH_TRANSPORT": "urlsession"]]

    /// A redirect from the API or the token endpoint is an error naming where it pointed, on
    /// both transports, and nothing is sent there.
    @Test(arguments: [ScriptedPeer.Mode.redirect, .tokenRedirect])
    func aRedirectIsNeverFollowed(mode: ScriptedPeer.Mode) throws {
        guard ScriptedPeer.available() else { return }
        for transport in Self.transports {
            let peer = try ScriptedPeer(mode)
            defer { peer.stop() }
            let cli = try cliWithPeople()
            defer { cli.cleanUp() }
            for (k, v) in transport { cli.environment[k] = v }
            let status = mode == .redirect ? 302 : 307
            for arguments in [["import", "people.csv", "--hosting-check", "off"], ["export", "--out", "x.csv"]] {
                let result = try cli.run(arguments + ["--max-retries", "1"] + peer.apiArguments)
                #expect(result.status == 3, "\(arguments[0]) \(transport): \(result)")
                #expect(result.err.contains("redirected (HTTP \(status)) to \(peer.url)/stolen"), "\(arguments[0]) \(transport): \(result.err)")
            }
            #expect(!peer.requests.contains { $0.contains("/stolen") }, "followed: \(peer.requests)")
        }
    }

    /// A listing that never ends, or runs past its own total, stops import, export and
    /// auth-links with exit 3 and a message, instead of looping.
    @Test(arguments: [ScriptedPeer.Mode.endlessList, .pastTotal])
    func aListingThatNeverEndsStopsTheRun(mode: ScriptedPeer.Mode) throws {
        guard ScriptedPeer.available() else { return }
        let peer = try ScriptedPeer(mode)
        defer { peer.stop() }
        let cli = try cliWithPeople()
        defer { cli.cleanUp() }
        let expected = mode == .endlessList ? "repeats resources already listed" : "past its own total of 2"
        let runs = [["import", "people.csv", "--hosting-check", "off"], ["export", "--out", "x.csv"],
                    ["auth-links", "--out", "links.csv", "--all"] + returnOptions]
        for arguments in runs {
            let result = try cli.run(arguments + ["--rate", "100"] + peer.apiArguments)
            #expect(result.status == 3, "\(arguments[0]): \(result)")
            #expect(result.err.contains(expected), "\(arguments[0]): \(result.err)")
        }
        #expect(peer.requests.filter { $0.hasPrefix("GET /setup/v1/resources?") }.count < 20, "\(peer.requests.count) requests")
        // Export wrote the first page once, not the same rows again and again.
        let exported = try cli.readText("x.csv").split(separator: "\r\n").count
        #expect(exported <= 5, "\(exported) lines in the export")
    }

    /// A bulk answer whose resources have no id is an answer lost: the rows are looked up, never
    /// reported `created` with an empty id, and an API that keeps doing it stops the run (exit 3).
    @Test func aBulkAnswerWithoutIdsIsNeverReportedCreated() throws {
        guard ScriptedPeer.available() else { return }
        let peer = try ScriptedPeer(.noIds)
        defer { peer.stop() }
        let cli = try cliWithPeople()
        defer { cli.cleanUp() }
        let result = try cli.run(["import", "people.csv", "--hosting-check", "off", "--rate", "100"] + peer.apiArguments)
        #expect(result.status == 3, "\(result)")
        #expect(result.err.contains("without the resources it made"), "\(result)")
        let report = (try? cli.readText("people.report.csv")) ?? ""
        #expect(!report.contains(",created,"), "\(report)")
        let creates = peer.requests.filter { $0.hasPrefix("POST /setup/v1/resources/bulk") }.count
        #expect(creates > 1 && creates <= 6, "looked up and re-sent a bounded number of times: \(peer.requests)")
        #expect(peer.requests.contains { $0.hasPrefix("GET /setup/v1/resources?") && $0.contains("email=") }, "looked up by e-mail")
    }

    /// Tokens that stop working mid-run (each is good for two bulk writes): every refused chunk
    /// goes again with a renewed token, one renewal at a time, and every row is created once.
    @Test func tokensRefusedMidRunAreRenewedAndNothingIsCreatedTwice() throws {
        guard ScriptedPeer.available() else { return }
        let peer = try ScriptedPeer(.tokensWearOut)
        defer { peer.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", peopleCSV(60, prefix: "wear"))
        let result = try cli.run(["import", "people.csv", "--hosting-check", "off", "--rate", "100",
                                  "--chunk-size", "5", "--concurrency", "3"] + peer.apiArguments)
        #expect(result.status == 0, "\(result)")
        let created = peer.lines("CREATED ")
        #expect(created.count == 60 && Set(created).count == 60, "each row created exactly once: \(created)")
        let refused = peer.lines("UNAUTHORIZED ").count
        let tokens = peer.requests.filter { $0.hasPrefix("POST /connect/token") }.count
        #expect(refused >= 1, "tokens did wear out: \(peer.requests)")
        // 12 chunks, two writes a token: at least 6 tokens, and never more than one renewal per refusal.
        #expect(tokens >= 6 && tokens <= 1 + refused, "tokens \(tokens), refusals \(refused)")
        let report = try cli.readText("people.report.csv")
        #expect(report.components(separatedBy: ",created,").count - 1 == 60, "\(report)")
    }

    /// Writes refused even with a fresh token: the run stops (exit 3, as a write may have been
    /// sent) saying the credentials are rejected, after one renewal, not in a loop.
    @Test func writesRefusedWithAFreshTokenStopTheRun() throws {
        guard ScriptedPeer.available() else { return }
        let peer = try ScriptedPeer(.writesUnauthorized)
        defer { peer.stop() }
        let cli = try cliWithPeople()
        defer { cli.cleanUp() }
        let result = try cli.run(["import", "people.csv", "--hosting-check", "off", "--rate", "100"] + peer.apiArguments)
        #expect(result.status == 3, "\(result)")
        #expect(result.err.contains("credentials rejected") && result.err.contains("freshly issued token"), "\(result)")
        #expect(peer.lines("UNAUTHORIZED ").count == 2, "sent once, renewed once, sent again: \(peer.requests)")
        #expect(peer.requests.filter { $0.hasPrefix("POST /connect/token") }.count == 2, "\(peer.requests)")
    }

    /// A 50 MB error page: the run stops on the 500 as usual, with a short message, on both transports.
    @Test func aHugeErrorPageIsCutShort() throws {
        guard ScriptedPeer.available() else { return }
        for transport in Self.transports {
            let peer = try ScriptedPeer(.hugeError)
            defer { peer.stop() }
            let cli = try cliWithPeople()
            defer { cli.cleanUp() }
            for (k, v) in transport { cli.environment[k] = v }
            let result = try cli.run(["import", "people.csv", "--hosting-check", "off", "--max-retries", "2", "--rate", "100"] + peer.apiArguments)
            #expect(result.status == 3, "\(transport): \(result)")
            #expect(result.err.contains("xxxx") && result.stderr.count < 8_000, "\(transport): \(result.stderr.count) bytes of stderr")
        }
    }

    /// Where a secret could hide in `text`: as it is, percent-decoded, form-decoded, JSON-unescaped.
    static func leaks(_ text: String, secrets: [String]) -> [String] {
        let forms = [text, text.removingPercentEncoding ?? text,
                     text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text,
                     text.replacingOccurrences(of: "\\/", with: "/")]
        return secrets.filter { secret in forms.contains { $0.contains(secret) } }
    }

    /// A server echoing the bearer token and the secret (lower-case percent-encoding) in its
    /// error bodies: every output shows `<redacted>` where they were, and neither in any encoding.
    @Test func echoedTokensAndSecretsAreRedactedEverywhere() throws {
        guard ScriptedPeer.available() else { return }
        let secret = "s3cr et/\u{FC}+x~*"
        let secrets = [secret, ScriptedPeer.token]
        do {
            let peer = try ScriptedPeer(.echoToken)
            defer { peer.stop() }
            let cli = try cliWithPeople()
            defer { cli.cleanUp() }
            cli.useCredentials(id: "sbox-echo", secret: secret)
            let result = try cli.run(["import", "people.csv", "--hosting-check", "off", "--summary-json", "s.json",
                                      "--max-retries", "0", "--rate", "100"] + peer.apiArguments)
            #expect(result.status == 1, "every row refused: \(result)")
            let outputs = [("stderr", result.err), ("stdout", result.out), ("report", try cli.readText("people.report.csv")),
                           ("errors file", try cli.readText("people.errors.csv")), ("summary", try cli.readText("s.json"))]
            for (name, text) in outputs {
                #expect(Self.leaks(text, secrets: secrets).isEmpty, "\(name) leaks: \(text.prefix(2000))")
            }
            let report = try cli.readText("people.report.csv")
            #expect(report.contains("Bearer <redacted>") && report.contains("client_secret=<redacted>"), "the echo reached the report: \(report)")
            #expect(try cli.readText("people.errors.csv").contains("client_secret=<redacted>"))
        }
        do {
            let peer = try ScriptedPeer(.echoSecret)
            defer { peer.stop() }
            let cli = try cliWithPeople()
            defer { cli.cleanUp() }
            cli.useCredentials(id: "sbox-echo", secret: secret)
            for arguments in [["import", "people.csv", "--hosting-check", "off", "--summary-json", "s.json"],
                              ["export", "--out", "x.csv", "--summary-json", "s.json"]] {
                let result = try cli.run(arguments + peer.apiArguments)
                #expect(result.status == 3, "\(arguments[0]): \(result)")
                #expect(result.err.contains("client_secret=<redacted>"), "\(arguments[0]): the echo is shown, redacted: \(result.err)")
                #expect(Self.leaks(result.err, secrets: secrets).isEmpty, "\(arguments[0]) stderr leaks: \(result.err)")
                if cli.exists("s.json") {
                    let summary = try cli.readText("s.json")
                    #expect(Self.leaks(summary, secrets: secrets).isEmpty, "\(arguments[0]) summary leaks: \(summary)")
                }
            }
        }
    }
}
