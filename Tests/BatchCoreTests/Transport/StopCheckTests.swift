import Foundation
import Synchronization
import Testing
@testable import BatchWire

/// `StopCheck` and `WaitObserver` keep a closure the waiting code asks on every request: asking
/// must not change what is kept. (A closure kept directly in a generic `Mutex` came back from
/// each `withLock` wrapped in two more thunks, so the chain grew with every request and every
/// look walked it: a few thousand requests made it thousands deep, enough to overflow a
/// thread's stack.)
@Suite struct StopCheckTests {
    @Test func aStopCheckCanBeAskedAMillionTimes() {
        let check = StopCheck()
        #expect(!check.isStopped && !check.isWatching)
        let stopped = Mutex(false)
        check.watch { stopped.withLock { $0 } }
        #expect(check.isWatching)
        var seen = 0
        for _ in 0..<1_000_000 where check.isStopped { seen += 1 }
        #expect(seen == 0)
        stopped.withLock { $0 = true }
        #expect(check.isStopped)
    }

    @Test func aWaitObserverCanBeToldAMillionTimes() {
        let observer = WaitObserver()
        let told = Mutex(0)
        observer.watch { _ in told.withLock { $0 += 1 } }
        let notice = WaitNotice(seconds: 1, cause: .throttled(retryAfter: false))
        for _ in 0..<1_000_000 { observer.notify(notice) }
        #expect(told.withLock { $0 } == 1_000_000)
    }
}
