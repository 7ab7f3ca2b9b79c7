import Foundation
import Testing
@testable import BatchCore
@testable import BatchWire

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(random: .seeded(42))

    private func delay(_ d: RetryDecision) -> Double? {
        if case .retry(let after) = d { return after }
        return nil
    }

    @Test func defaults() {
        let p = RetryPolicy()
        #expect(p.maxRetries == 6)
        #expect(p.base == 0.5)
        #expect(p.cap == 30)
    }

    @Test func ceilingDoublesUpToTheCap() {
        #expect((1...8).map(policy.ceiling(attempt:)) == [0.5, 1, 2, 4, 8, 16, 30, 30])
        #expect(policy.ceiling(attempt: 10_000) == 30)
    }

    @Test(arguments: [500, 502, 503, 504, 408])
    func serverErrorsAndRequestTimeoutAreRetriedWithinTheJitterRange(status: Int) throws {
        for attempt in 1...6 {
            let d = try #require(delay(policy.decision(attempt: attempt, failure: .status(status, retryAfter: nil))))
            #expect(d >= 0 && d < policy.ceiling(attempt: attempt))
        }
    }

    @Test(arguments: [RequestFailure.timedOut, .notConnected, .connectionLost])
    func transportFailuresAreRetriedForIdempotentRequests(failure: RequestFailure) {
        #expect(delay(policy.decision(attempt: 1, failure: failure)) != nil)
    }

    @Test func fullJitterCoversTheWholeRange() {
        let p = RetryPolicy(random: .seeded(7))
        let samples = (0..<2_000).map { _ in p.backoff(attempt: 5) }  // ceiling 8 s
        #expect(samples.allSatisfy { $0 >= 0 && $0 < 8 })
        #expect(samples.min()! < 0.1)
        #expect(samples.max()! > 7.9)
        let mean = samples.reduce(0, +) / Double(samples.count)
        #expect(abs(mean - 4) < 0.3)
    }

    @Test func aSeedGivesTheSameDelays() {
        let a = RetryPolicy(random: .seeded(99))
        let b = RetryPolicy(random: .seeded(99))
        let c = RetryPolicy(random: .seeded(100))
        let da = (1...6).map { a.backoff(attempt: $0) }
        #expect(da == (1...6).map { b.backoff(attempt: $0) })
        #expect(da != (1...6).map { c.backoff(attempt: $0) })
    }

    @Test func givesUpAfterMaxRetries() {
        let p = RetryPolicy(maxRetries: 2, random: .seeded(1))
        #expect(delay(p.decision(attempt: 2, failure: .status(503, retryAfter: nil))) != nil)
        #expect(p.decision(attempt: 3, failure: .status(503, retryAfter: nil)) == .giveUp(.retriesExhausted))
        #expect(p.decision(attempt: 3, failure: .timedOut) == .giveUp(.retriesExhausted))
        #expect(RetryPolicy(maxRetries: 0).decision(attempt: 1, failure: .notConnected) == .giveUp(.retriesExhausted))
    }

    @Test func throttlingWaitsForRetryAfter() {
        #expect(policy.decision(attempt: 1, failure: .status(429, retryAfter: 7)) == .retry(after: 7))
        #expect(policy.decision(attempt: 3, failure: .status(429, retryAfter: 0)) == .retry(after: 0))
        // An absurd Retry-After is shortened, not obeyed for hours.
        #expect(policy.decision(attempt: 1, failure: .status(429, retryAfter: 86_400)) == .retry(after: 300))
        // Without Retry-After: the backoff.
        let d = delay(policy.decision(attempt: 2, failure: .status(429, retryAfter: nil)))
        #expect(d != nil && d! < 1)
    }

    @Test func unauthorizedAsksForANewTokenNotABackoff() {
        #expect(policy.decision(attempt: 1, failure: .status(401, retryAfter: nil)) == .refreshToken)
        #expect(policy.decision(attempt: 1, failure: .status(401, retryAfter: nil), idempotent: false) == .refreshToken)
    }

    @Test(arguments: [400, 403, 404, 405, 409, 410, 413, 415, 422, 501, 505])
    func otherFailuresAreNeverRetried(status: Int) {
        #expect(policy.decision(attempt: 1, failure: .status(status, retryAfter: nil)) == .giveUp(.notRetryable))
        #expect(policy.decision(attempt: 1, failure: .status(status, retryAfter: nil), idempotent: false) == .giveUp(.notRetryable))
    }

    @Test func createsAreNotRetriedWhenTheyMayHaveBeenApplied() {
        for failure: RequestFailure in [.timedOut, .connectionLost, .status(500, retryAfter: nil), .status(502, retryAfter: nil),
            .status(503, retryAfter: 1), .status(504, retryAfter: nil)]
        {
            #expect(failure.mayHaveBeenApplied)
            #expect(policy.decision(attempt: 1, failure: failure, idempotent: false) == .giveUp(.mayHaveBeenApplied))
        }
        // Proven not applied: safe to send again.
        for failure: RequestFailure in [.notConnected, .status(408, retryAfter: nil), .status(429, retryAfter: 2)] {
            #expect(!failure.mayHaveBeenApplied)
            #expect(delay(policy.decision(attempt: 1, failure: failure, idempotent: false)) != nil)
        }
    }

    @Test func transportErrorsMapToFailures() {
        #expect(RequestFailure(TransportError(.notConnected, "refused")) == .notConnected)
        #expect(RequestFailure(TransportError(.timedOut, "slow")) == .timedOut)
        #expect(RequestFailure(TransportError(.connectionLost, "reset")) == .connectionLost)
        #expect(!TransportError(.notConnected, "x").mayHaveBeenSent)
        #expect(TransportError(.timedOut, "x").mayHaveBeenSent)
    }

    @Test func seededRandomStaysInTheUnitInterval() {
        let r = RandomSource.seeded(0)
        for _ in 0..<10_000 {
            let v = r.unit()
            #expect(v >= 0 && v < 1)
        }
        #expect(RandomSource { 1.0 }.unit() < 1)
        #expect(RandomSource { -.infinity }.unit() == 0)
        #expect(RandomSource { .nan }.unit() == 0)
    }
}

@Suite struct RetryAfterTests {
    let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT

    @Test func seconds() {
        #expect(RetryAfter.parse("120", now: now) == 120)
        #expect(RetryAfter.parse(" 3 ", now: now) == 3)
        #expect(RetryAfter.parse("0", now: now) == 0)
        #expect(RetryAfter.parse("1.5", now: now) == 1.5)
    }

    @Test func httpDates() {
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:50:37 GMT", now: now) == 60)
        #expect(RetryAfter.parse("Sunday, 06-Nov-94 08:49:47 GMT", now: now) == 10)
        #expect(RetryAfter.parse("Sun Nov  6 08:49:42 1994", now: now) == 5)
    }

    @Test func aDateInThePastMeansNow() {
        #expect(RetryAfter.parse("Sat, 05 Nov 1994 08:49:37 GMT", now: now) == 0)
    }

    @Test(arguments: ["", " ", "-1", "abc", "1e3", "12 seconds", "Sun, 99 Foo 1994 08:49:37 GMT", "..", String(repeating: "9", count: 400)])
    func garbageIsIgnored(header: String) {
        #expect(RetryAfter.parse(header, now: now) == nil)
    }
}
