import Synchronization

/// A source of uniformly distributed numbers in `0..<1`, injected into `RetryPolicy` so that
/// jitter can be tested with a seed.
public struct RandomSource: Sendable {
    private let next: @Sendable () -> Double

    /// Wraps a closure returning values in `0..<1`.
    public init(_ next: @escaping @Sendable () -> Double) {
        self.next = next
    }

    /// The next value, clamped into `0..<1`.
    public func unit() -> Double {
        let v = next()
        guard v.isFinite, v > 0 else { return 0 }
        return min(v, 1.0.nextDown)
    }

    /// The system's random generator.
    public static let system = RandomSource { Double.random(in: 0..<1) }

    /// A reproducible sequence (SplitMix64) for tests and benchmarks.
    public static func seeded(_ seed: UInt64) -> RandomSource {
        let state = Mutex(seed)
        return RandomSource {
            let x: UInt64 = state.withLock { s in
                s &+= 0x9E37_79B9_7F4A_7C15
                var z = s
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
            return Double(x >> 11) * 0x1.0p-53
        }
    }
}
