
/// Counters of an `OnSchedClient`, for the end-of-run summary (`requests`, `retries`,
/// `throttled responses`).
public struct ClientStats: Sendable, Hashable {
    /// API requests sent (every attempt, token requests excluded).
    public var requests = 0
    /// Attempts that were retries (after a backoff, a 429 or a token refresh).
    public var retries = 0
    /// 429 answers received.
    public var throttled = 0
    /// Token requests sent.
    public var tokenFetches = 0

    public init(requests: Int = 0, retries: Int = 0, throttled: Int = 0, tokenFetches: Int = 0) {
        self.requests = requests
        self.retries = retries
        self.throttled = throttled
        self.tokenFetches = tokenFetches
    }
}
