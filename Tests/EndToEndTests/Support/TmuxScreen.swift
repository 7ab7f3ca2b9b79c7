import Foundation
import Testing
import TestSupport

/// A detached tmux session on a socket of its own, running one shell command in a real
/// pseudo-terminal, so a test sees the screen a person would (`capture-pane`). tmux is Debian's
/// `tmux` package: without it the test is skipped with a message, except under `CI=true`, where
/// it fails (`.ci/run` installs it).
final class TmuxScreen {
    static let tmux = "/usr/bin/tmux"

    /// Whether tmux can run here; records why not (a failure under CI=true).
    static func available() -> Bool {
        if FileManager.default.isExecutableFile(atPath: tmux) { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("tmux is missing at \(tmux): .ci/run installs it (the pseudo-terminal tests need it)")
        } else {
            print("skipped: no \(tmux) for the pseudo-terminal tests (install tmux)")
        }
        return false
    }

    private let socket = "resource-batch-test-\(UUID().uuidString.prefix(8))"

    /// Starts `command` (run by `sh -c`) in a `width` × `height` terminal.
    init(command: String, width: Int = 200, height: Int = 15) throws {
        let started = try ChildProcess.run(
            Self.tmux, ["-L", socket, "-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", "run", command],
            environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm", "LANG": "C.UTF-8"], timeout: 30)
        guard started.status == 0 else { throw E2EError("tmux new-session failed: \(started)") }
    }

    /// The screen's text now, one line per row (trailing blanks trimmed by tmux).
    func capture() -> String {
        (try? ChildProcess.run(Self.tmux, ["-L", socket, "capture-pane", "-p", "-t", "run"], timeout: 30).stdoutText) ?? ""
    }

    /// Ends the session and its server.
    func close() {
        _ = try? ChildProcess.run(Self.tmux, ["-L", socket, "kill-server"], timeout: 30)
    }

    /// `'text'` for a POSIX shell.
    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
