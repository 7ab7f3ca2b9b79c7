import BatchCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where everything for people goes: standard error (standard output carries only data).
enum Console {
    static let isTerminal = isatty(2) == 1
    /// Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    static let useColor = isTerminal && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty

    /// Writes `text` with every secret of the run redacted (raw, percent-, form- or JSON-encoded).
    static func write(_ text: String) {
        var bytes = Array(SecretRegistry.shared.redact(text).utf8)
        bytes.withUnsafeMutableBytes { buf in
            var done = 0
            while done < buf.count {
                let n = Glibc.write(2, buf.baseAddress! + done, buf.count - done)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                done += n
            }
        }
    }

    static func line(_ text: String) { write(text + "\n") }

    static func error(_ text: String) { line("resource-batch: error: " + text) }

    static func warning(_ text: String) { line("resource-batch: warning: " + text) }

    static func paint(_ text: String, _ code: String) -> String {
        useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
