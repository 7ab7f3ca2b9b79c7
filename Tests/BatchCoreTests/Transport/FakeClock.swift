@testable import BatchCore
@testable import BatchWire
import Synchronization

/// A clock that only moves when a test calls `advance(by:)`: drives the rate limiter, the retry
/// loop and the token cache deterministically, without sleeping. `sleepers` tells a test how many
/// tasks are parked on the clock, so it can wait for quiescence before advancing. Test-only: the
/// product targets never carry it.
public final class FakeClock: BatchClock {
    private struct Sleeper {
        let id: UInt64
        let deadline: Double
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Double
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
        /// Ids whose task was cancelled before its continuation was stored.
        var cancelledEarly: Set<UInt64> = []
    }

    private let state: Mutex<State>

    /// Starts at `now` seconds (default 0).
    public init(now: Double = 0) {
        state = Mutex(State(now: now))
    }

    public var now: Double { state.withLock { $0.now } }

    /// How many tasks are currently suspended in `sleep(until:)`.
    public var sleepers: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline of a parked sleeper, if any.
    public var nextDeadline: Double? { state.withLock { $0.sleepers.map(\.deadline).min() } }

    public func sleep(until deadline: Double) async throws {
        let id: UInt64? = state.withLock { s in
            if deadline <= s.now { return nil }
            s.nextID += 1
            return s.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: (any Error)?? = state.withLock { s in
                    if s.cancelledEarly.remove(id) != nil { return .some(CancellationError()) }
                    if deadline <= s.now { return .some(nil) }
                    s.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return .none
                }
                switch resumeNow {
                case .none: break
                case .some(nil): continuation.resume()
                case .some(let error?): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { s in
                if let i = s.sleepers.firstIndex(where: { $0.id == id }) {
                    return s.sleepers.remove(at: i)
                }
                s.cancelledEarly.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward by `seconds` and wakes, in deadline order, every sleeper whose
    /// deadline has passed.
    public func advance(by seconds: Double) {
        let due: [Sleeper] = state.withLock { s in
            s.now += max(0, seconds)
            let now = s.now
            let due = s.sleepers.filter { $0.deadline <= now }
            s.sleepers.removeAll { $0.deadline <= now }
            return due.sorted { ($0.deadline, $0.id) < ($1.deadline, $1.id) }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves time to `deadline` (if later) and wakes the sleepers that are due.
    public func advance(to deadline: Double) {
        advance(by: deadline - now)
    }
}
