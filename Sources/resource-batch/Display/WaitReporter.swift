import BatchCore
import Foundation
import Synchronization

/// Tells people about the client's pauses (``WaitNotice``s from its hook): one line for each
/// pause longer than `WaitNotice.longWait`, with its cause (timestamped in a log by `Console`),
/// so a cron log shows why a run went quiet; and the pause in force, so the progress line on a
/// terminal can say it is waiting rather than look frozen.
///
/// One per process (`shared`), since one run has one client: `APIOptions.connect` hands the
/// client's hook here, and every `ProgressDisplay` reads it.
final class WaitReporter: Sendable {
    static let shared = WaitReporter()

    /// A pause and when it ends (wall-clock seconds since 1970).
    struct Wait: Sendable {
        var until: Double
        var notice: WaitNotice
    }

    private let latest = Mutex<Wait?>(nil)

    /// Records `notice` as the pause in force (the one ending last wins, as every worker waits for
    /// the rate limiter) and, unless `quiet`, prints a line when it is long.
    func report(_ notice: WaitNotice, quiet: Bool, now: Double = Date().timeIntervalSince1970) {
        let until = now + notice.seconds
        latest.withLock { wait in
            if wait.map({ $0.until < until }) ?? true { wait = Wait(until: until, notice: notice) }
        }
        guard notice.isLong, !quiet else { return }
        let text = "resource-batch: " + Self.describe(notice)
        // On a terminal the progress line is redrawn in place: clear it so the note stands alone.
        if Console.isTerminal { Console.write("\r\u{1B}[K" + text + "\n") } else { Console.line(text) }
    }

    /// The pause in force at `now`, with the seconds it has left; nil when none is.
    func current(now: Double = Date().timeIntervalSince1970) -> (left: Double, notice: WaitNotice)? {
        latest.withLock { wait in
            guard let wait, wait.until > now else { return nil }
            return (wait.until - now, wait.notice)
        }
    }

    /// `waiting 30 s: the API asked to slow down (429, Retry-After)`,
    /// `waiting 12 s before retry 3 of 6: Connection refused`; `seconds` replaces the notice's own
    /// length (the time left, for a progress line counting down).
    static func describe(_ notice: WaitNotice, seconds: Double? = nil) -> String {
        let s = Int((seconds ?? notice.seconds).rounded(.up))
        switch notice.cause {
        case .throttled(let retryAfter):
            return "waiting \(s) s: the API asked to slow down (429\(retryAfter ? ", Retry-After" : ""))"
        case .retry(let attempt, let of, let reason):
            return "waiting \(s) s before retry \(attempt) of \(of): \(reason)"
        case .tokenRetry(let attempt, let of, let reason):
            return "waiting \(s) s before retry \(attempt) of \(of) of the token request: \(reason)"
        }
    }
}
