import Foundation
import OnSchedEmulator
import Testing

/// The README shows a few lines of Python's standard library using the emulator exactly as they
/// would use OnSched; this runs those very lines, so the example cannot rot.
@Suite struct ReadmeEmulatorClientTests {
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3", "/root/.pyenv/shims/python3"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    @Test(.enabled(if: python != nil || inCI, "python3 is not installed"))
    func pythonSnippetInTheReadmeTalksToTheEmulator() throws {
        let python = try #require(Self.python, "python3 is required under CI=true")
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let start = try #require(text.range(of: "```python\n"))
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        let snippet = String(text[start.upperBound..<end.lowerBound])
        #expect(snippet.contains("http://127.0.0.1:8080"))

        let server = EmulatorServer(configuration: EmulatorConfiguration(port: 0))
        let base = try server.start()
        defer { server.stop() }
        let script = snippet.replacingOccurrences(of: "http://127.0.0.1:8080", with: base.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let link = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(process.terminationStatus == 0, "python said: \(String(decoding: errors, as: UTF8.self))")
        #expect(link.hasPrefix("https://accounts.google.com/o/oauth2/auth?"))
        #expect(link.removingPercentEncoding?.contains("returnUrl=https://example.com/ok") == true)
    }
}
