import BatchCore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where everything for people goes: standard error (standard output carries only data).
enum Console {
    static let isTerminal = isatty(2) == 1
    /// Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    static let useColor = isTerminal && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty

    /// Whether the next byte written starts a line (for the timestamps of a log).
    private static let atLineStart = Mutex(true)

    /// Writes `text` to standard error, with every secret of the run redacted (raw, percent-,
    /// form- or JSON-encoded). When standard error is not a terminal (a cron log, a journal),
    /// every line starts with its UTC time, `2026-01-31T02:30:00Z `, so a log shows when each
    /// thing happened; writes from several threads never interleave within a line.
    static func write(_ text: String) {
        let text = SecretRegistry.shared.redact(text)
        atLineStart.withLock { atStart in
            guard !isTerminal else { return writeAll(Array(text.utf8)) }
            let stamp = Array((timestamp(Date()) + " ").utf8)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count + stamp.count)
            for byte in text.utf8 {
                if atStart { bytes += stamp }
                bytes.append(byte)
                atStart = byte == 0x0A
            }
            writeAll(bytes)
        }
    }

    private static func writeAll(_ bytes: [UInt8]) {
        var bytes = bytes
        bytes.withUnsafeMutableBytes { buf in
            var done = 0
            while done < buf.count {
                let n = Glibc.write(2, buf.baseAddress! + done, buf.count - done)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                done += n
            }
        }
    }

    /// ISO 8601 in UTC to the second: `2026-01-31T02:30:00Z`.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// The line that opens a log when standard error is not a terminal: which build ran what, on
    /// which input, against which API, so a night's log stands on its own.
    static func startLine(command: String, input: String?, apiHost: String?, quiet: Bool) {
        guard !isTerminal, !quiet else { return }
        var text = "resource-batch \(BuildInfo.versionText): \(command)"
        if let input { text += " \(input == "-" ? "standard input" : input)" }
        text += apiHost.map { ", API \($0)" } ?? ", no API"
        line(text)
    }

    static func line(_ text: String) { write(text + "\n") }

    static func error(_ text: String) { line("resource-batch: error: " + text) }

    static func warning(_ text: String) { line("resource-batch: warning: " + text) }

    static func paint(_ text: String, _ code: String) -> String {
        useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
