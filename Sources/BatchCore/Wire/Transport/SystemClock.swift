
/// The real monotonic clock (`ContinuousClock`), used by the command-line tool.
///
/// All instances share one origin, so readings of different instances can be compared.
public struct SystemClock: BatchClock {
    private static let origin = ContinuousClock.now

    public init() {}

    public var now: Double {
        Self.seconds(ContinuousClock.now - Self.origin)
    }

    public func sleep(until deadline: Double) async throws {
        guard deadline.isFinite else {
            // An infinite deadline would overflow Duration; wait in long slices instead.
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
        let remaining = deadline - now
        guard remaining > 0 else { return }
        try await Task.sleep(until: Self.origin.advanced(by: .seconds(deadline)), clock: .continuous)
    }

    static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
