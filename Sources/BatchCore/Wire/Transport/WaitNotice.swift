/// A pause the client is about to take, and why: told to the command line (through
/// ``WaitObserver``) so a log shows each long pause with its cause and a terminal's progress line
/// can say it is waiting. The library itself never prints.
public struct WaitNotice: Sendable, Hashable {
    /// Why the client waits.
    public enum Cause: Sendable, Hashable {
        /// A 429: every worker is paused by the rate limiter; `retryAfter` says whether the
        /// answer named the pause (`Retry-After`) or the default pause applies.
        case throttled(retryAfter: Bool)
        /// A back-off before retry `attempt` of at most `of` of an API request that failed with `reason`.
        case retry(attempt: Int, of: Int, reason: String)
        /// A back-off before retry `attempt` of at most `of` of the token request that failed with `reason`.
        case tokenRetry(attempt: Int, of: Int, reason: String)
    }

    /// How long the pause lasts, in seconds.
    public var seconds: Double
    public var cause: Cause

    /// Pauses longer than this many seconds are worth a line in a log (issue 16): shorter ones are
    /// the ordinary rhythm of a run against a busy API.
    public static let longWait = 10.0

    public init(seconds: Double, cause: Cause) {
        self.seconds = seconds
        self.cause = cause
    }

    /// Whether the pause is longer than ``longWait``.
    public var isLong: Bool { seconds > Self.longWait }
}
