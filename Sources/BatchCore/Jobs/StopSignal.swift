import Synchronization

/// Why a run stopped early, if it did: set once, read by every worker between chunks.
///
/// Runs are stopped gracefully (no new chunk is handed out, requests in flight finish) rather than
/// by cancelling tasks, which can deadlock URLSession on Linux (architecture.md).
public final class StopSignal: Sendable {
    public enum Reason: Sendable, Equatable {
        /// SIGINT or SIGTERM: exit 130.
        case interrupted
        /// Credentials rejected, API unreachable after retries, journal unwritable: exit 3.
        case failed(String)
    }

    private let reason = Mutex<Reason?>(nil)

    public init() {}

    /// Records the first reason; later ones are ignored.
    public func stop(_ why: Reason) {
        reason.withLock { if $0 == nil { $0 = why } }
    }

    public var isStopped: Bool { reason.withLock { $0 != nil } }
    public var current: Reason? { reason.withLock { $0 } }
}
