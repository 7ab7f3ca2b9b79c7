import Foundation
import Synchronization
import Testing
@testable import BatchCore
@testable import BatchWire

/// No wait is unbounded: a 429's pause is capped, and a run that has decided to stop waits on no
/// pause at all (issue 12). All on the fake clock.
@Suite struct BoundedWaitTests {
    /// A stop the test throws by hand.
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    @Test func aHugeRetryAfterIsCappedLikeTheRetryPolicy() async throws {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 10, clock: clock)
        #expect(limiter.maxPause == RetryPolicy().maxRetryAfter)
        await limiter.throttled(retryAfter: 1_000_000_000)
        let done = TestCounter()
        Task {
            try await limiter.acquire()
            _ = done.increment()
        }
        await yieldUntil("waiting out the pause") { await limiter.stats.waiting == 1 && clock.sleepers == 1 }
        #expect(clock.nextDeadline == 300, "the pause ends at the cap, not in 31 years")
        clock.advance(to: 300)
        await yieldUntil("served when the capped pause ends") { done.current == 1 }
        // Infinite and negative values fall back to the default pause, as before.
        await limiter.throttled(retryAfter: .infinity)
        #expect(await limiter.stats.paused)
    }

    @Test func aStoppingRunWaitsOnNoPause() async throws {
        let clock = FakeClock()
        let stop = Flag()
        let limiter = RateLimiter(rate: 10, clock: clock)
        limiter.stopCheck.watch { stop.isSet }
        await limiter.throttled(retryAfter: 250)
        let outcome = TestLog<String>()
        for _ in 0..<3 {
            Task {
                do { try await limiter.acquire(); outcome.append("served") } catch { outcome.append("\(error)") }
            }
        }
        await yieldUntil("three waiting") { await limiter.stats.waiting == 3 }
        // While no stop is asked, the limiter looks now and then but keeps everyone waiting.
        clock.advance(by: StopCheck.pollInterval)
        await letOthersRun()
        #expect(outcome.all.isEmpty)
        stop.set()
        clock.advance(by: StopCheck.pollInterval)
        await yieldUntil("every waiter released") { outcome.all.count == 3 }
        #expect(outcome.all == Array(repeating: StoppedWhileWaiting(waitingFor: "the rate limit").description, count: 3))
        #expect(clock.now < 1, "released long before the pause's end")
        // And no one starts waiting afterwards.
        await #expect(throws: StoppedWhileWaiting.self) { try await limiter.acquire() }
    }

    @Test func theClientStopsWaitingForARetryWhenTheRunStops() async throws {
        let clock = FakeClock()
        let stop = Flag()
        let calls = TestCounter()
        let transport = ScriptedHTTPTransport { request, _ in
            if request.url.path.hasSuffix("/connect/token") {
                return .json(#"{"access_token":"test-token-0123456789","expires_in":3600}"#)
            }
            _ = calls.increment()
            return HTTPResponse(status: 503)
        }
        let client = OnSchedClient(
            endpoint: try OnSchedEndpoint(apiURL: URL(string: "https://api.example.com")!,
                                          tokenURL: URL(string: "https://id.example.com/connect/token")!),
            credentials: ClientCredentials(id: "sbox-1", secret: "a-long-test-secret-42"), transport: transport,
            rateLimiter: RateLimiter(rate: 1_000, burst: 100, clock: clock),
            retryPolicy: RetryPolicy(maxRetries: 50, base: 30, cap: 30, random: .seeded(1)), clock: clock)
        client.stopWaiting { stop.isSet }
        let result = TestLog<String>()
        Task {
            do { _ = try await client.getResource(id: "1"); result.append("answered") } catch { result.append("\(error)") }
        }
        await yieldUntil("backing off after the first 503") { calls.current == 1 && clock.sleepers == 1 }
        stop.set()
        clock.advance(by: StopCheck.pollInterval)
        await yieldUntil("the back-off ends with the stop") { result.all.count == 1 }
        #expect(result.all == [StoppedWhileWaiting(waitingFor: "a retry").description])
        #expect(calls.current == 1, "nothing sent after the stop")
    }
}
