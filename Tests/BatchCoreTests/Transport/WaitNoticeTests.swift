import Foundation
import Testing
@testable import BatchCore
@testable import BatchWire

/// Issue 16: every pause the client takes is told to its wait hook with its length and cause
/// (the command line logs those over 10 s), once per 429 burst, never from the library itself.
@Suite struct WaitNoticeTests {
    static let endpoint = try! OnSchedEndpoint(
        apiURL: URL(string: "https://api.example.com")!, tokenURL: URL(string: "https://id.example.com/connect/token")!)

    private func client(_ clock: FakeClock, policy: RetryPolicy, transport: ScriptedHTTPTransport) -> OnSchedClient {
        OnSchedClient(
            endpoint: Self.endpoint, credentials: ClientCredentials(id: "sbox-1", secret: "s"), transport: transport,
            rateLimiter: RateLimiter(rate: 100, clock: clock), retryPolicy: policy, clock: clock)
    }

    @Test func aLongThrottlePauseIsToldOnceWithItsLength() async throws {
        let clock = FakeClock()
        let notices = TestLog<WaitNotice>()
        let limiter = RateLimiter(rate: 5, clock: clock)
        limiter.waitObserver.watch { notices.append($0) }
        await limiter.throttled(retryAfter: 30)
        clock.advance(by: 0.5)
        await limiter.throttled(retryAfter: 30)  // the same burst: the pause grows by half a second
        #expect(notices.all == [WaitNotice(seconds: 30, cause: .throttled(retryAfter: true))])
        #expect(notices.all.first?.isLong == true)
        clock.advance(by: 40)
        await limiter.throttled(retryAfter: nil)  // a new episode, the default pause
        #expect(notices.all.count == 2)
        #expect(notices.all.last == WaitNotice(seconds: 1, cause: .throttled(retryAfter: false)))
        #expect(notices.all.last?.isLong == false)
    }

    @Test func aRetryAfterAnswerIsToldByTheLimiterOnlyNotTwice() async throws {
        let clock = FakeClock()
        let calls = TestCounter()
        let transport = ScriptedHTTPTransport { request, _ in
            if request.url.path.hasSuffix("/connect/token") { return .json(#"{"access_token":"t","expires_in":3600}"#) }
            if calls.increment() == 1 { return .json(#"{"message":"slow down"}"#, status: 429, headers: ["Retry-After": "30"]) }
            return .json(#"{"id":"5"}"#)
        }
        let client = client(clock, policy: RetryPolicy(random: .seeded(1)), transport: transport)
        let notices = TestLog<WaitNotice>()
        client.onWait { notices.append($0) }
        #expect(try await driving(clock) { try await client.getResource(id: "5") }.id == "5")
        #expect(notices.all == [WaitNotice(seconds: 30, cause: .throttled(retryAfter: true))])
        #expect(clock.now >= 30)
    }

    @Test func aRetryBackOffIsToldWithTheAttemptAndTheFailure() async throws {
        let clock = FakeClock()
        let calls = TestCounter()
        let transport = ScriptedHTTPTransport { request, _ in
            if request.url.path.hasSuffix("/connect/token") { return .json(#"{"access_token":"t","expires_in":3600}"#) }
            switch calls.increment() {
            case 1: throw TransportError(.notConnected, "Connection refused")
            case 2: return HTTPResponse(status: 503)
            default: return .json(#"{"id":"5"}"#)
            }
        }
        // A back-off of 0.9 × 20 s = 18 s: over the 10 s a log line needs.
        let policy = RetryPolicy(maxRetries: 6, base: 20, cap: 20, random: RandomSource { 0.9 })
        let client = client(clock, policy: policy, transport: transport)
        let notices = TestLog<WaitNotice>()
        client.onWait { notices.append($0) }
        #expect(try await driving(clock) { try await client.getResource(id: "5") }.id == "5")
        #expect(notices.all == [
            WaitNotice(seconds: 18, cause: .retry(attempt: 1, of: 6, reason: "Connection refused")),
            WaitNotice(seconds: 18, cause: .retry(attempt: 2, of: 6, reason: "HTTP 503 Service Unavailable")),
        ])
        #expect(notices.all.allSatisfy { $0.isLong })
        #expect(clock.now >= 36)
    }

    @Test func aTokenRetryIsToldAsSuch() async throws {
        let clock = FakeClock()
        let tokenCalls = TestCounter()
        let transport = ScriptedHTTPTransport { request, _ in
            if request.url.path.hasSuffix("/connect/token") {
                if tokenCalls.increment() == 1 { return HTTPResponse(status: 503) }
                return .json(#"{"access_token":"ok","expires_in":3600}"#)
            }
            return .json(#"{"id":"5"}"#)
        }
        let policy = RetryPolicy(maxRetries: 3, base: 20, cap: 20, random: RandomSource { 0.6 })
        let client = client(clock, policy: policy, transport: transport)
        let notices = TestLog<WaitNotice>()
        client.onWait { notices.append($0) }
        #expect(try await driving(clock) { try await client.getResource(id: "5") }.id == "5")
        #expect(notices.all.count == 1)
        guard case .tokenRetry(1, 3, let reason)? = notices.all.first?.cause else {
            Issue.record("not a token retry: \(notices.all)")
            return
        }
        #expect(reason.contains("503"), "\(reason)")
        #expect(notices.all.first?.seconds == 12)
    }

    @Test func withoutAHookNothingIsToldAndNothingBreaks() async throws {
        let clock = FakeClock()
        let limiter = RateLimiter(rate: 5, clock: clock)
        await limiter.throttled(retryAfter: 30)
        #expect(await limiter.stats.paused)
    }
}
