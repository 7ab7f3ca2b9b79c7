/// A token bucket: `rate` tokens per second, holding at most `capacity`. A pure value; the caller
/// passes the clock, so it is tested without sleeping.
struct TokenBucket: Sendable {
    let rate: Double
    let capacity: Double
    private var tokens: Double
    private var last: UInt64?

    /// A bucket that starts full; the burst is one second's worth of requests (at least one).
    init(rate: Double) {
        self.rate = max(rate, 0.000_001)
        self.capacity = max(1, rate)
        self.tokens = capacity
    }

    /// Takes one token at monotonic time `now` (nanoseconds); false when the bucket is empty.
    mutating func take(now: UInt64) -> Bool {
        if let previous = last {
            if now > previous {
                tokens = min(capacity, tokens + Double(now - previous) / 1e9 * rate)
                last = now
            }
        } else {
            last = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
