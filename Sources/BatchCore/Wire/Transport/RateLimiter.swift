
/// A token bucket shared by every worker, so the whole run stays under `rate` requests per second.
///
/// - Tokens refill at the current rate up to `burst`. The default burst is **1**: requests are
///   spaced evenly, never bunched, because OnSched's limits are undocumented and a server that
///   counts per second would see `1 + rate` requests in a second with a burst of one, `2 × rate`
///   with a burst of `rate`.
/// - Waiters are served strictly first come, first served.
/// - `throttled(retryAfter:)` (a 429) pauses **every** worker until `now + Retry-After` (default
///   `defaultPause`, at most `maxPause`, as the retry policy caps it: a server asking for a
///   billion seconds must not wedge a nightly run), leaves one token for the moment the pause ends and halves the rate (never below `minimumRate`). Several
///   429s arriving during one pause count once for the rate, since they answer the same burst.
/// - After the pause the rate recovers by `recoveryPerSecond × configured rate` for every quiet
///   second, never above the configured rate; the next 429 lowers it again.
///
/// - Once `stopCheck` says the run is stopping, no one waits: `acquire()` throws
///   `StoppedWhileWaiting` at once, and waiters already queued are woken with it within
///   `StopCheck.pollInterval` (the limiter looks at the stop that often while anyone waits).
///
/// - Each 429 pause that starts, or that a later 429 lengthens by more than a second, is told to
///   `waitObserver` (a ``WaitNotice`` with the seconds left), so the command line can log it.
///
/// Every decision reads the injected `BatchClock`, so it is tested with `FakeClock`.
public actor RateLimiter {
    /// What the limiter is doing, for progress lines and the summary.
    public struct Stats: Sendable, Hashable {
        /// Requests per second allowed now.
        public var currentRate: Double
        /// The rate asked for.
        public var configuredRate: Double
        /// How many 429s were reported.
        public var throttledCount: Int
        /// Tasks waiting in `acquire()`.
        public var waiting: Int
        /// Whether every worker is paused by a 429.
        public var paused: Bool
    }

    public nonisolated let configuredRate: Double
    public nonisolated let burst: Double
    public nonisolated let minimumRate: Double
    public nonisolated let defaultPause: Double
    public nonisolated let recoveryPerSecond: Double
    /// The longest pause a 429 can impose, whatever its `Retry-After` says.
    public nonisolated let maxPause: Double
    /// Whether the run is stopping (then nothing waits here).
    public nonisolated let stopCheck: StopCheck
    /// Told of every 429 pause (and, through the client, of every retry back-off).
    public nonisolated let waitObserver: WaitObserver
    private let clock: any BatchClock

    private var rate: Double
    private var tokens: Double
    private var lastUpdate: Double
    private var pausedUntil: Double = -.infinity
    /// The end of the last pause told to `waitObserver`, so the 429s of one burst are told once.
    private var announcedUntil: Double = -.infinity
    private var throttledCount = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextWaiterID: UInt64 = 0
    /// Deadline of the pending wake-up task, if one is scheduled.
    private var timerDeadline: Double?

    /// - Parameters:
    ///   - rate: requests per second (values ≤ 0 are treated as 0.01).
    ///   - burst: the bucket size; default 1 (see the type's documentation).
    ///   - minimumRate: the floor of the lowered rate; default 0.2/s (or `rate` if lower).
    ///   - defaultPause: the pause after a 429 without `Retry-After`; default 1 s.
    ///   - recoveryPerSecond: the share of `rate` regained per quiet second; default 0.1.
    ///   - maxPause: the cap on a 429's pause; default 300 s, `RetryPolicy`'s `maxRetryAfter`.
    ///   - stopCheck: says when the run is stopping; by default it never does.
    ///   - waitObserver: told of each 429 pause; by default no one listens.
    ///   - clock: the clock deciding everything.
    public init(
        rate: Double, burst: Double = 1, minimumRate: Double = 0.2, defaultPause: Double = 1,
        recoveryPerSecond: Double = 0.1, maxPause: Double = 300, stopCheck: StopCheck = StopCheck(),
        waitObserver: WaitObserver = WaitObserver(), clock: any BatchClock = SystemClock()
    ) {
        let r = rate.isFinite && rate > 0 ? rate : 0.01
        configuredRate = r
        self.burst = burst.isFinite ? max(1, burst) : 1
        self.minimumRate = min(r, max(0.001, minimumRate))
        self.defaultPause = max(0, defaultPause)
        self.recoveryPerSecond = max(0, recoveryPerSecond)
        self.maxPause = maxPause.isFinite ? max(0, maxPause) : 300
        self.stopCheck = stopCheck
        self.waitObserver = waitObserver
        self.clock = clock
        self.rate = r
        tokens = self.burst
        lastUpdate = clock.now
    }

    /// Waits for a token (in arrival order) and takes it. Throws `CancellationError` if the
    /// waiting task is cancelled; the token is then not taken.
    public func acquire() async throws {
        if stopCheck.isStopped { throw StoppedWhileWaiting(waitingFor: "the rate limit") }
        update()
        if waiters.isEmpty && hasToken && clock.now >= pausedUntil {
            tokens = max(0, tokens - 1)
            return
        }
        nextWaiterID += 1
        let id = nextWaiterID
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                // Runs on the actor before any suspension, so `cancel(id)` always comes after it.
                if Task.isCancelled {
                    c.resume(throwing: CancellationError())
                } else {
                    waiters.append((id, c))
                    pump()
                }
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    /// Reports a 429: pauses every worker and lowers the rate. `retryAfter` is in seconds.
    public func throttled(retryAfter: Double?) {
        update()
        let now = clock.now
        throttledCount += 1
        let pause = min(maxPause, retryAfter.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } ?? defaultPause)
        let newEpisode = now >= pausedUntil
        if newEpisode {
            // A new episode: lower the rate once for it.
            rate = max(minimumRate, rate * 0.5)
        }
        pausedUntil = max(pausedUntil, now + pause)
        if newEpisode || pausedUntil > announcedUntil + 1 {
            announcedUntil = pausedUntil
            waitObserver.notify(WaitNotice(seconds: pausedUntil - now, cause: .throttled(retryAfter: retryAfter != nil)))
        }
        // One token waits for the end of the pause, so the first request goes out right then.
        tokens = 1
        lastUpdate = max(lastUpdate, pausedUntil)
        pump()
    }

    /// A snapshot for progress and tests.
    public var stats: Stats {
        update()
        return Stats(
            currentRate: rate, configuredRate: configuredRate, throttledCount: throttledCount,
            waiting: waiters.count, paused: clock.now < pausedUntil)
    }

    /// A whole token is there, give or take floating-point rounding (so a wake-up computed for
    /// the exact refill time never finds 0.999999 tokens and has to sleep again).
    private var hasToken: Bool { tokens >= 1 - 1e-9 }

    /// Brings tokens and rate up to the clock's `now`.
    private func update() {
        let now = clock.now
        guard now > lastUpdate else { return }
        let dt = now - lastUpdate
        // Tokens accrue at the rate at the start of the interval; the rate then recovers.
        // (Slightly conservative while recovering, never faster than allowed.)
        tokens = min(burst, tokens + rate * dt)
        rate = min(configuredRate, rate + recoveryPerSecond * configuredRate * dt)
        lastUpdate = now
    }

    /// Hands tokens to waiters at the head of the queue, and schedules the next wake-up.
    private func pump() {
        if stopCheck.isStopped {
            let stopped = waiters
            waiters.removeAll()
            for waiter in stopped { waiter.continuation.resume(throwing: StoppedWhileWaiting(waitingFor: "the rate limit")) }
            return
        }
        update()
        let now = clock.now
        while !waiters.isEmpty && now >= pausedUntil && hasToken {
            tokens = max(0, tokens - 1)
            waiters.removeFirst().continuation.resume()
        }
        guard !waiters.isEmpty else { return }
        let ready = max(pausedUntil, lastUpdate + max(0, 1 - tokens) / rate)
        var wake = max(ready, now)
        // Look at the stop now and then, so a stopping run never waits out a pause.
        if stopCheck.isWatching { wake = min(wake, now + StopCheck.pollInterval) }
        if let pending = timerDeadline, pending <= wake { return }
        timerDeadline = wake
        let clock = self.clock
        Task { [weak self] in
            try? await clock.sleep(until: wake)
            await self?.timerFired(wake)
        }
    }

    private func timerFired(_ deadline: Double) {
        if timerDeadline == deadline { timerDeadline = nil }
        pump()
    }

    private func cancel(_ id: UInt64) {
        guard let i = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: i).continuation.resume(throwing: CancellationError())
        pump()
    }
}
