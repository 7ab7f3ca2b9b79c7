
/// A counting semaphore for async code with first-come, first-served waiters.
///
/// `URLSessionTransport` uses it so that no more requests are handed to URLSession than it has
/// connections: on Linux the request time-out starts while a request waits in libcurl's queue,
/// so a queued request could time out without ever being sent (architecture.md, known traps).
actor ConcurrencyGate {
    private let limit: Int
    private var inUse = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Waits for a free slot. Not cancellable on purpose: a request that got a slot always runs
    /// to completion (cancelling URLSession tasks can deadlock on Linux).
    func enter() async {
        if inUse < limit {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Frees a slot, handing it straight to the oldest waiter if there is one.
    func leave() {
        if waiters.isEmpty {
            inUse = max(0, inUse - 1)
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Slots taken, for tests.
    var active: Int { inUse }
}
