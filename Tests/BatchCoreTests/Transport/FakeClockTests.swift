import Testing
@testable import BatchCore
@testable import BatchWire

@Suite struct FakeClockTests {
    @Test func sleepingUntilAPassedDeadlineReturnsAtOnce() async throws {
        let clock = FakeClock(now: 5)
        try await clock.sleep(until: 4)
        try await clock.sleep(until: 5)
        #expect(clock.sleepers == 0)
    }

    @Test func advanceWakesOnlyDueSleepersInDeadlineOrder() async throws {
        let clock = FakeClock()
        let woken = TestLog<Double>()
        for deadline in [3.0, 1.0, 2.0] {
            Task {
                try await clock.sleep(until: deadline)
                woken.append(deadline)
            }
        }
        await yieldUntil("three sleepers") { clock.sleepers == 3 }
        #expect(clock.nextDeadline == 1)
        clock.advance(by: 1.5)
        await yieldUntil("one woken") { woken.all.count == 1 }
        #expect(woken.all == [1])
        #expect(clock.sleepers == 2)
        clock.advance(by: 1)
        await yieldUntil("two woken") { woken.all.count == 2 }
        clock.advance(to: 3)
        await yieldUntil("all woken") { woken.all.count == 3 }
        #expect(woken.all == [1, 2, 3])
        #expect(clock.now == 3)
    }

    @Test func cancellingASleeperRemovesItAndThrows() async throws {
        let clock = FakeClock()
        let task = Task { try await clock.sleep(until: 10) }
        await yieldUntil("sleeping") { clock.sleepers == 1 }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleepers == 0)
    }

    @Test func systemClockIsMonotonic() {
        let clock = SystemClock()
        let a = clock.now
        let b = clock.now
        #expect(b >= a)
    }
}
