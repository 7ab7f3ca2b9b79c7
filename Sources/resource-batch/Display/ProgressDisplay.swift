import BatchCore
import Foundation
import Synchronization

/// Shows a job's progress on standard error: one line redrawn in place on a terminal, or a plain
/// line every few seconds (timestamped by `Console`) for cron logs; nothing with `--quiet`.
final class ProgressDisplay: Sendable {
    private struct State {
        var lastPrint: Double = 0
        var drewLine = false
    }

    private let quiet: Bool
    private let interval: Double
    private let state = Mutex(State(lastPrint: Date().timeIntervalSince1970))
    private let verb: String

    init(quiet: Bool, verb: String) {
        self.quiet = quiet
        self.verb = verb
        interval = Console.isTerminal ? 0.2 : 5
    }

    /// The handler to give a job.
    var handler: ProgressHandler {
        { [self] progress in self.show(progress) }
    }

    func show(_ p: JobProgress) {
        guard !quiet else { return }
        let now = Date().timeIntervalSince1970
        let due = state.withLock { s -> Bool in
            guard now - s.lastPrint >= interval else { return false }
            s.lastPrint = now
            s.drewLine = Console.isTerminal
            return true
        }
        guard due else { return }
        let rate = p.elapsed > 0 ? Double(p.rowsDone) / p.elapsed : 0
        var text = "\(verb) \(p.rowsDone) rows, \(Int(rate.rounded())) rows/s"
        if let done = p.fractionDone, done > 0, done < 1, p.elapsed > 1 {
            let eta = p.elapsed * (1 - done) / done
            text += ", \(Int(done * 100))%, ETA \(Self.duration(eta))"
        }
        let counts = RowStatus.allCases.compactMap { s in p.counts[s].map { "\($0) \(s.rawValue)" } }
        if !counts.isEmpty { text += " (" + counts.joined(separator: ", ") + ")" }
        if Console.isTerminal {
            Console.write("\r\u{1B}[K" + text)
        } else {
            Console.line(text) // Console puts the time in front of each line of a log
        }
    }

    /// Ends the redrawn line so the summary starts on a fresh one.
    func finish() {
        let drew = state.withLock { s in
            defer { s.drewLine = false }
            return s.drewLine
        }
        if drew && !quiet { Console.write("\r\u{1B}[K") }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
    }

}
