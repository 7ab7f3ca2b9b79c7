import BatchWire
import Synchronization

/// Why a run stopped early, if it did: set once, read between requests, and announced to whoever
/// listens (an import's driver turns it into an event for its core).
///
/// Runs are stopped gracefully (no new work is handed out, requests in flight finish) rather than
/// by cancelling tasks, which can deadlock URLSession on Linux (architecture.md).
public final class StopSignal: Sendable {
    public enum Reason: Sendable, Equatable {
        /// SIGINT, SIGTERM or SIGHUP: exit 130.
        case interrupted
        /// Credentials rejected, API unreachable after retries, an output unwritable: exit 3.
        case failed(String)
    }

    private struct State {
        var reason: Reason?
        var listeners: [@Sendable (Reason) -> Void] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Records the first reason and tells the listeners; later reasons are ignored.
    public func stop(_ why: Reason) {
        let listeners: [@Sendable (Reason) -> Void] = state.withLock {
            guard $0.reason == nil else { return [] }
            $0.reason = why
            return $0.listeners
        }
        for listener in listeners { listener(why) }
    }

    /// Calls `listener` once when the run stops (at once if it has stopped already).
    public func onStop(_ listener: @escaping @Sendable (Reason) -> Void) {
        let already: Reason? = state.withLock {
            if $0.reason == nil { $0.listeners.append(listener) }
            return $0.reason
        }
        if let already { listener(already) }
    }

    public var isStopped: Bool { state.withLock { $0.reason != nil } }
    public var current: Reason? { state.withLock { $0.reason } }
}
