import BatchCore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Shows a job's progress on standard error: one line redrawn in place on a terminal, or a plain
/// line every few seconds (timestamped by `Console`) for cron logs; nothing with `--quiet`.
///
/// The line names the phase (`reading the tenant`, `sending`, …) or the pause in force
/// (`waiting 23 s: the API asked to slow down`, from `WaitReporter`), and starts with the time
/// elapsed. A thread of its own redraws it twice a second on a terminal, and writes it every few
/// seconds in a log, even when the job reports nothing (a tenant being read, a pause), so it
/// never looks frozen and a log is never silent for long. An ETA appears only once it
/// means something: after `etaMinimumShare` of the work and `etaMinimumSeconds` of sending.
final class ProgressDisplay: Sendable {
    private struct State {
        var latest: JobProgress
        /// Seconds since `started` when the work proper began (the last report with nothing done).
        var workStart: Double = 0
        var lastPrint: Double = 0
        var drewLine = false
        var finished = false
    }

    /// The share of the work done before an ETA is shown.
    static let etaMinimumShare = 0.05
    /// The seconds of work before an ETA is shown.
    static let etaMinimumSeconds = 3.0
    /// How often the display looks whether its line is due without news, in seconds.
    static let redrawInterval = 0.5

    private let quiet: Bool
    private let interval: Double
    private let started: Double
    private let state: Mutex<State>
    private let verb: String
    private let unit: String

    /// - Parameters:
    ///   - verb: what is done to the rows (`imported`, `exported`).
    ///   - unit: what is counted (`rows`, `resources`).
    ///   - phase: the phase named until the job reports one.
    init(quiet: Bool, verb: String, unit: String = "rows", phase: JobPhase = .starting) {
        self.quiet = quiet
        self.verb = verb
        self.unit = unit
        interval = Console.isTerminal ? 0.2 : 5
        let now = Date().timeIntervalSince1970
        started = now
        state = Mutex(State(latest: JobProgress(phase: phase), lastPrint: now))
        guard !quiet else { return }
        // A thread rather than a task: a busy cooperative pool must not freeze the line.
        let thread = Thread { [weak self] in
            while true {
                usleep(UInt32(Self.redrawInterval * 1_000_000))
                guard let self, self.tick() else { return }
            }
        }
        thread.name = "progress"
        thread.start()
    }

    deinit { finish() }

    /// The handler to give a job.
    var handler: ProgressHandler {
        { [self] progress in self.show(progress) }
    }

    func show(_ p: JobProgress) {
        guard !quiet else { return }
        let now = Date().timeIntervalSince1970
        state.withLock { s in
            guard !s.finished else { return }
            s.latest = p
            if p.rowsDone == 0 { s.workStart = now - started }
            guard now - s.lastPrint >= interval else { return }
            draw(&s, now: now)
        }
    }

    /// Redraws the line when it is due; false once the display is finished.
    private func tick() -> Bool {
        let now = Date().timeIntervalSince1970
        return state.withLock { s in
            guard !s.finished else { return false }
            if now - s.lastPrint >= (Console.isTerminal ? Self.redrawInterval * 0.9 : interval) { draw(&s, now: now) }
            return true
        }
    }

    private func draw(_ s: inout State, now: Double) {
        s.lastPrint = now
        let text = Self.line(s.latest, verb: verb, unit: unit, elapsed: now - started, workElapsed: now - started - s.workStart,
                             wait: WaitReporter.shared.current(now: now))
        if Console.isTerminal {
            s.drewLine = true
            Console.write("\r\u{1B}[K" + Self.fit(text))
        } else {
            Console.line(text) // Console puts the time in front of each line of a log
        }
    }

    /// Ends the redrawn line so the summary starts on a fresh one, and stops the redrawing.
    func finish() {
        let drew = state.withLock { s in
            defer { s.drewLine = false; s.finished = true }
            return s.drewLine
        }
        if drew && !quiet { Console.write("\r\u{1B}[K") }
    }

    /// `[12s] sending: imported 340 rows, 28 rows/s, 34%, ETA 23s (340 created)`,
    /// `[7s] reading the tenant`, `[25s] waiting 7 s: the API asked to slow down (429, Retry-After); imported 100 rows`.
    static func line(_ p: JobProgress, verb: String, unit: String, elapsed: Double, workElapsed: Double,
                     wait: (left: Double, notice: WaitNotice)?) -> String {
        var text = "[\(duration(elapsed))] "
        text += wait.map { WaitReporter.describe($0.notice, seconds: $0.left) } ?? name(p.phase)
        let quietPhase = p.phase == .starting || p.phase == .readingTenant
        guard p.rowsDone > 0 || !quietPhase else { return text }
        text += wait == nil ? ": " : "; "
        text += "\(verb) \(p.rowsDone) \(unit)"
        if workElapsed >= 1, p.rowsDone > 0 {
            text += ", \(Int((Double(p.rowsDone) / workElapsed).rounded())) \(unit)/s"
        }
        if let done = p.fractionDone, done > 0, done < 1 {
            text += ", \(Int(done * 100))%"
            if done >= etaMinimumShare, workElapsed >= etaMinimumSeconds {
                text += ", ETA \(duration(workElapsed * (1 - done) / done))"
            }
        }
        if let pages = p.pages, pages > 0 { text += ", \(pages) page\(pages == 1 ? "" : "s")" }
        let counts = RowStatus.allCases.compactMap { s in p.counts[s].map { "\($0) \(s.rawValue)" } }
        if !counts.isEmpty { text += " (" + counts.joined(separator: ", ") + ")" }
        return text
    }

    /// The phase in a few words.
    static func name(_ phase: JobPhase) -> String {
        switch phase {
        case .starting: "starting"
        case .readingTenant: "reading the tenant"
        case .validating: "validating"
        case .sending: "sending"
        case .listing: "listing the tenant"
        case .fetchingLinks: "fetching authorization links"
        }
    }

    /// The line cut to the terminal's width, so redrawing in place never wraps onto a new line.
    private static func fit(_ text: String) -> String {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 1 else { return text }
        let width = Int(size.ws_col) - 1
        return text.count <= width ? text : String(text.prefix(width))
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
    }
}
