
/// A monotonic clock that the rate limiter, the retry loop and the token cache read and sleep on.
///
/// Injected everywhere time matters so that those decisions can be tested with a `FakeClock`,
/// without sleeping and without flaky timing.
public protocol BatchClock: Sendable {
    /// Seconds since an arbitrary fixed origin; never goes backwards.
    var now: Double { get }
    /// Suspends until `now >= deadline`. Returns at once when the deadline has passed.
    /// Throws `CancellationError` when the waiting task is cancelled.
    func sleep(until deadline: Double) async throws
}

extension BatchClock {
    /// Suspends for `seconds` from now (nothing for zero or less).
    public func sleep(for seconds: Double) async throws {
        try await sleep(until: now + max(0, seconds))
    }
}
