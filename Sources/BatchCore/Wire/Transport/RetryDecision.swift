
/// What to do after a failed attempt; the output of `RetryPolicy.decision`.
public enum RetryDecision: Sendable, Hashable {
    /// Wait `after` seconds, then send again.
    case retry(after: Double)
    /// The token was rejected (401): fetch a new token and send again, once, without backoff.
    case refreshToken
    /// Stop and report the failure.
    case giveUp(Reason)

    /// Why the policy stopped.
    public enum Reason: String, Sendable, Hashable {
        /// The failure is final (a 4xx other than 401, 408 and 429).
        case notRetryable
        /// `maxRetries` retries were already made.
        case retriesExhausted
        /// A non-idempotent request may have been applied; it must be looked up, not re-sent.
        case mayHaveBeenApplied
    }
}
