import Testing
@testable import BatchCore
@testable import BatchWire

@Suite struct RateLimiterTests {
    @Test func firstTokenIsImmediateThenOnePerInterval() async throws {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 2, clock: clock)
        try await limiter.acquire()  // the bucket starts full (burst 1)
        let done = TestCounter()
        Task {
            try await limiter.acquire()
            _ = done.increment()
        }
        await yieldUntil("waiting for a token") { await limiter.stats.waiting == 1 && clock.sleepers == 1 }
        #expect(clock.nextDeadline == 0.5)
        clock.advance(by: 0.4)
        await letOthersRun()
        #expect(done.current == 0)
        clock.advance(by: 0.1)
        await yieldUntil("token granted at 0.5 s") { done.current == 1 }
    }

    @Test func waitersAreServedFirstComeFirstServed() async throws {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 1, clock: clock)
        try await limiter.acquire()
        let order = TestLog<Int>()
        for i in 1...4 {
            Task {
                try await limiter.acquire()
                order.append(i)
            }
            await yieldUntil("waiter \(i) queued") { await limiter.stats.waiting == i }
        }
        for served in 1...4 {
            clock.advance(by: 1)
            await yieldUntil("\(served) served") { order.all.count == served }
        }
        #expect(order.all == [1, 2, 3, 4])
    }

    @Test func burstAllowsThatManyAtOnceAndNeverMore() async throws {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 1, burst: 3, clock: clock)
        for _ in 0..<3 { try await limiter.acquire() }
        #expect(clock.now == 0)
        clock.advance(by: 100)  // a long idle time refills only up to the burst
        for _ in 0..<3 { try await limiter.acquire() }
        let done = TestCounter()
        Task {
            try await limiter.acquire()
            _ = done.increment()
        }
        await yieldUntil("fourth waits") { await limiter.stats.waiting == 1 }
        #expect(done.current == 0)
        clock.advance(by: 1)
        await yieldUntil("fourth served") { done.current == 1 }
    }

    @Test func defaultBurstIsOne() {
        #expect(RateLimiter(rate: 5).burst == 1)
    }

    @Test func aThrottleAnswerPausesEveryWorkerUntilRetryAfter() async throws {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 100, burst: 10, clock: clock)
        await limiter.throttled(retryAfter: 5)
        let done = TestCounter()
        for _ in 0..<3 {
            Task {
                try await limiter.acquire()
                _ = done.increment()
            }
        }
        await yieldUntil("three paused") { await limiter.stats.waiting == 3 }
        #expect(await limiter.stats.paused)
        clock.advance(by: 4.99)
        await letOthersRun()
        #expect(done.current == 0)
        clock.advance(by: 0.01)
        await yieldUntil("first after the pause") { done.current >= 1 }
        // The others follow at the lowered rate (50/s → 0.02 s apart), not all at once.
        #expect(done.current == 1)
        await yieldUntil("next wake-up scheduled") { clock.nextDeadline != nil }
        #expect(abs(clock.nextDeadline! - 5.02) < 1e-9)
        clock.advance(to: clock.nextDeadline!)
        await yieldUntil("second") { done.current == 2 }
        await yieldUntil("next wake-up scheduled") { clock.nextDeadline != nil }
        #expect(abs(clock.nextDeadline! - 5.04) < 1e-3)  // a little sooner: the rate is recovering
        clock.advance(to: clock.nextDeadline!)
        await yieldUntil("third") { done.current == 3 }
    }

    @Test func missingRetryAfterPausesForTheDefault() async throws {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 10, defaultPause: 1, clock: clock)
        await limiter.throttled(retryAfter: nil)
        let done = TestCounter()
        Task {
            try await limiter.acquire()
            _ = done.increment()
        }
        await yieldUntil("paused") { clock.nextDeadline != nil }
        #expect(clock.nextDeadline == 1)
        clock.advance(by: 1)
        await yieldUntil("served") { done.current == 1 }
    }

    @Test func throttlingHalvesTheRateOncePerPauseAndNeverBelowTheFloor() async throws {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 1, minimumRate: 0.2, clock: clock)
        await limiter.throttled(retryAfter: 2)
        await limiter.throttled(retryAfter: 2)  // same pause: the same burst of 429s
        var stats = await limiter.stats
        #expect(stats.currentRate == 0.5)
        #expect(stats.throttledCount == 2)
        for _ in 0..<5 { await limiter.throttled(retryAfter: 0) }
        clock.advance(by: 2)
        for _ in 0..<5 {
            await limiter.throttled(retryAfter: 0)
        }
        stats = await limiter.stats
        #expect(stats.currentRate >= 0.2)
        #expect(stats.currentRate < 0.21)
        #expect(stats.throttledCount == 12)
    }

    @Test func theRateRecoversGraduallyToTheConfiguredRate() async throws {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 10, recoveryPerSecond: 0.1, clock: clock)
        await limiter.throttled(retryAfter: 3)
        #expect(await limiter.stats.currentRate == 5)
        clock.advance(by: 3)  // still paused until 3: no recovery yet
        #expect(await limiter.stats.currentRate == 5)
        clock.advance(by: 1)  // one quiet second: +10% of 10
        #expect(abs(await limiter.stats.currentRate - 6) < 1e-9)
        clock.advance(by: 2)
        #expect(abs(await limiter.stats.currentRate - 8) < 1e-9)
        clock.advance(by: 60)
        #expect(await limiter.stats.currentRate == 10)
    }

    @Test func aCancelledWaiterLeavesTheQueueAndOthersGoOn() async throws {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 1, clock: clock)
        try await limiter.acquire()
        let first = Task { try await limiter.acquire() }
        await yieldUntil("first queued") { await limiter.stats.waiting == 1 }
        let done = TestCounter()
        Task {
            try await limiter.acquire()
            _ = done.increment()
        }
        await yieldUntil("second queued") { await limiter.stats.waiting == 2 }
        first.cancel()
        await #expect(throws: CancellationError.self) { try await first.value }
        await yieldUntil("first left") { await limiter.stats.waiting == 1 }
        clock.advance(by: 1)
        await yieldUntil("second served") { done.current == 1 }
    }
}
