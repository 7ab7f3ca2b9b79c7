import Synchronization

/// Where the client and its rate limiter tell the pauses they take (``WaitNotice``): a hook the
/// command line sets, like ``StopCheck``, because the library must not print. Shared by every
/// copy of the client through its rate limiter. Without a hook, notices go nowhere.
public final class WaitObserver: Sendable {
    /// The hook in a struct of its own: a closure kept directly in the generic `Mutex` came back
    /// from each `withLock` wrapped in two more thunks (see ``StopCheck``).
    private struct Hook: Sendable {
        let notify: @Sendable (WaitNotice) -> Void
    }

    private let hook = Mutex<Hook?>(nil)

    public init() {}

    /// From now on, every pause is told to `observer` (replacing any earlier one). It is called
    /// on the waiting task just before the pause, so it must return quickly.
    public func watch(_ observer: @escaping @Sendable (WaitNotice) -> Void) {
        hook.withLock { $0 = Hook(notify: observer) }
    }

    /// Tells the hook, if any, about a pause.
    public func notify(_ notice: WaitNotice) {
        guard notice.seconds > 0, let observer = hook.withLock({ $0 }) else { return }
        observer.notify(notice)
    }
}
