
/// Decides, for one failed attempt, whether to retry and after how long. A pure value: the same
/// inputs and random sequence give the same decisions, so it is tested without a network or a clock.
///
/// - 500, 502, 503, 504, 408, time-outs and broken or refused connections: retry after an
///   exponential backoff with full jitter, a uniform delay in `0 ... min(cap, base × 2^(attempt-1))`
///   (AWS Architecture Blog, "Exponential Backoff and Jitter").
/// - 429: retry after `Retry-After` (clamped to `maxRetryAfter`), or the backoff when it is absent.
/// - 401: `.refreshToken` (the client fetches a new token once; it is not a backoff).
/// - any other 4xx: never retried.
/// - a non-idempotent request whose failure `mayHaveBeenApplied`: never retried (see `RequestFailure`).
/// - after `maxRetries` retries: give up.
public struct RetryPolicy: Sendable {
    /// How many retries (not attempts) one request may get. Default 6.
    public var maxRetries: Int
    /// First backoff ceiling in seconds. Default 0.5.
    public var base: Double
    /// Largest backoff ceiling in seconds. Default 30.
    public var cap: Double
    /// Longest `Retry-After` honoured in seconds; a longer one is shortened to this. Default 300.
    public var maxRetryAfter: Double
    /// Where the jitter comes from.
    public var random: RandomSource

    public init(
        maxRetries: Int = 6, base: Double = 0.5, cap: Double = 30, maxRetryAfter: Double = 300,
        random: RandomSource = .system
    ) {
        self.maxRetries = max(0, maxRetries)
        self.base = max(0, base)
        self.cap = max(0, cap)
        self.maxRetryAfter = max(0, maxRetryAfter)
        self.random = random
    }

    /// Statuses worth another attempt after a pause.
    public static let retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]

    /// The decision after failed attempt number `attempt` (1 for the first failure), for an
    /// idempotent request unless `idempotent` is false.
    public func decision(attempt: Int, failure: RequestFailure, idempotent: Bool = true) -> RetryDecision {
        if case .status(401, _) = failure { return .refreshToken }
        if case .status(let code, _) = failure, !Self.retryableStatuses.contains(code) {
            return .giveUp(.notRetryable)
        }
        if !idempotent && failure.mayHaveBeenApplied { return .giveUp(.mayHaveBeenApplied) }
        if attempt > maxRetries { return .giveUp(.retriesExhausted) }
        if case .status(429, let retryAfter?) = failure {
            return .retry(after: min(retryAfter, maxRetryAfter))
        }
        return .retry(after: backoff(attempt: attempt))
    }

    /// The ceiling of the jittered delay after failure number `attempt`: `min(cap, base × 2^(attempt-1))`.
    public func ceiling(attempt: Int) -> Double {
        let exponent = Double(min(max(attempt, 1) - 1, 60))
        return min(cap, base * Double.pow2(exponent))
    }

    /// A full-jitter delay: uniform in `0 ..< ceiling(attempt)`.
    public func backoff(attempt: Int) -> Double {
        random.unit() * ceiling(attempt: attempt)
    }
}

extension Double {
    fileprivate static func pow2(_ e: Double) -> Double {
        var r = 1.0
        for _ in 0..<Int(e) { r *= 2 }
        return r
    }
}
