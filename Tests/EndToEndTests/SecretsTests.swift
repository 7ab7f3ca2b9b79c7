import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The client secret and the access tokens never appear in any output, log or file (cli.md).
@Suite struct SecretsTests {
    static let secret = "super-secret-value-123"

    /// Where a secret or token could hide: the text, and the text with escapes undone.
    static func leaks(_ bytes: [UInt8], where place: String) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        var found: [String] = []
        for candidate in [text, text.removingPercentEncoding ?? text, text.replacingOccurrences(of: "\\/", with: "/")] {
            if candidate.contains(secret) { found.append("\(place): the client secret") }
            if candidate.contains("Bearer ") { found.append("\(place): a bearer header") }
            // The emulator's access tokens are 64 hexadecimal digits.
            if candidate.range(of: "[0-9a-f]{64}", options: .regularExpression) != nil {
                found.append("\(place): something shaped like an access token")
            }
        }
        return Array(Set(found)).sorted()
    }

    @Test func neitherTheSecretNorATokenIsWrittenAnywhere() throws {
        let emulator = try LoopbackEmulator(faults: "error=0.2,latency=5ms", seed: 5,
                                            clientId: "sbox-secret", clientSecret: Self.secret)
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials(id: "sbox-secret", secret: Self.secret)
        var lines = peopleCSV(150, prefix: "sec").split(separator: "\n").map(String.init)
        lines.append("Refused,bad\u{00A0}one@example.com")  // a failed row: an errors file
        lines.append(",nobody@example.com")                 // an invalid row
        try cli.write("people.csv", lines.joined(separator: "\n") + "\n")
        var outputs: [(String, [UInt8])] = []

        // A run stopped on purpose (no retries while errors are injected) leaves its journal.
        let stopped = try cli.run(["import", "people.csv", "--chunk-size", "5", "--rate", "200", "--max-retries", "0",
                                   "--summary-json", "stopped-summary.json"] + returnOptions + emulator.apiArguments)
        outputs += [("stdout of the stopped import", stopped.stdout), ("stderr of the stopped import", stopped.stderr)]
        var journalSeen = false
        if stopped.status == 3 {
            journalSeen = cli.exists("people.report.csv.journal")
            for file in cli.allFiles() { outputs.append(("\(file) after the stopped import", try cli.read(file))) }
        }
        let resumed = try cli.run(["import", "people.csv", "--chunk-size", "5", "--rate", "200", "--max-retries", "10",
                                   "--summary-json", "summary.json"] + (stopped.status == 3 ? ["--resume"] : [])
                                  + returnOptions + emulator.apiArguments)
        #expect(resumed.status == 1, "one failed and one invalid row: \(resumed)")
        outputs += [("stdout of the import", resumed.stdout), ("stderr of the import", resumed.stderr)]
        let export = try cli.run(["export", "--out", "export.csv", "--max-retries", "10"] + emulator.apiArguments)
        #expect(export.status == 0, "\(export)")
        outputs += [("stdout of export", export.stdout), ("stderr of export", export.stderr)]
        let toStdout = try cli.run(["export", "--out", "-", "--format", "jsonl", "--max-retries", "10"] + emulator.apiArguments)
        outputs += [("stdout of export -", toStdout.stdout), ("stderr of export -", toStdout.stderr)]
        let links = try cli.run(["auth-links", "--out", "links.csv", "--all", "--max-retries", "10"] + returnOptions + emulator.apiArguments)
        outputs += [("stdout of auth-links", links.stdout), ("stderr of auth-links", links.stderr)]
        // Wrong secret: the refusal must not echo it either.
        cli.useCredentials(id: "sbox-secret", secret: Self.secret + "-wrong")
        let refused = try cli.run(["export", "--out", "refused.csv"] + emulator.apiArguments)
        #expect(refused.status == 3)
        outputs += [("stderr of a refused export", refused.stderr), ("stdout of a refused export", refused.stdout)]

        let files = cli.allFiles()
        #expect(files.contains("people.report.csv") && files.contains("people.errors.csv") && files.contains("summary.json")
                && files.contains("export.csv") && files.contains("links.csv"), "\(files)")
        for file in files { outputs.append((file, try cli.read(file))) }
        // What the tool wrote holds personal data and links: readable by the owner only.
        for file in files where file != "people.csv" {
            let mode = (try FileManager.default.attributesOfItem(atPath: cli.path(file))[.posixPermissions] as? NSNumber)?.intValue ?? 0
            #expect(mode & 0o077 == 0, "\(file) has mode \(String(mode, radix: 8))")
        }
        let found = outputs.flatMap { Self.leaks($0.1, where: $0.0) }
        #expect(found.isEmpty, "\(found)")
        // The check itself works: it finds the secret where it is.
        #expect(!Self.leaks(Array("x\(Self.secret)x".utf8), where: "probe").isEmpty)
        _ = journalSeen
    }
}
