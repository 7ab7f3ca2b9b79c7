import Foundation
import Testing
@testable import OnSchedEmulator

/// Rate limit and injected faults (deterministic: rates of 0 or 1, or a fixed seed).
@Suite struct FaultInjectionTests {
    @Test func rateLimitAnswers429WithRetryAfter() throws {
        // A bucket of one request that refills every 100 s: the token call takes it, so every
        // later call is over the limit whatever the speed of the machine.
        let emulator = try TestEmulator(EmulatorConfiguration(rateLimit: 0.01))
        let token = try emulator.token()
        let client = try emulator.client()
        for _ in 0..<3 {
            let response = try client.request("GET", "/setup/v1/resources", headers: ["Authorization": "Bearer \(token)"])
            #expect(response.status == 429)
            #expect(response.headers["retry-after"] == "1")
            #expect(response.object["error"] is String)
        }
        #expect(try emulator.admin("GET", "/emulator/stats").object["throttled"] as? Int == 3)
        // Admin calls are never limited.
        for _ in 0..<5 { #expect(try emulator.admin("GET", "/emulator/stats").status == 200) }
    }

    @Test func resetClosesWithoutAnswerAndAppliesNothing() throws {
        let emulator = try TestEmulator(EmulatorConfiguration(faults: FaultSpec(reset: 1)))
        let token = try emulator.token()  // the token endpoint has no faults
        let client = try emulator.client()
        try client.send(RawHTTPClient.format("POST", "/setup/v1/resources/bulk", headers: ["Authorization": "Bearer \(token)"], body: bulkBody(2)))
        #expect(try client.readResponse() == nil)
        #expect(try emulator.admin("GET", "/emulator/resources").array.isEmpty)
        #expect(try emulator.admin("GET", "/emulator/stats").object["faults"] as? Int == 1)
    }

    @Test func commitThenFailAppliesThenAnswers502() throws {
        let emulator = try TestEmulator(EmulatorConfiguration(faults: FaultSpec(commitThenFail: 1)))
        let token = try emulator.token()
        let response = try emulator.call("POST", "/setup/v1/resources/bulk", body: bulkBody(2), token: token)
        #expect(response.status == 502)
        #expect(response.object["error"] is String)
        #expect(try emulator.admin("GET", "/emulator/resources").array.count == 2)
    }

    @Test func errorAnswers500WithoutApplying() throws {
        let emulator = try TestEmulator(EmulatorConfiguration(faults: FaultSpec(error: 1)))
        let token = try emulator.token()
        #expect(try emulator.call("POST", "/setup/v1/resources/bulk", body: bulkBody(2), token: token).status == 500)
        #expect(try emulator.admin("GET", "/emulator/resources").array.isEmpty)
    }

    @Test func throttleAnswers429() throws {
        let emulator = try TestEmulator(EmulatorConfiguration(faults: FaultSpec(throttle: 1)))
        let token = try emulator.token()
        let response = try emulator.call("GET", "/setup/v1/resources", token: token)
        #expect(response.status == 429)
        #expect(response.headers["retry-after"] == "1")
    }

    @Test func sameSeedSameFaults() throws {
        func statuses(seed: UInt64) throws -> [Int] {
            let emulator = try TestEmulator(EmulatorConfiguration(faults: FaultSpec(error: 0.3, throttle: 0.2), seed: seed))
            let token = try emulator.token()
            let client = try emulator.client()
            return try (0..<40).map { _ in
                try client.request("GET", "/setup/v1/resources", headers: ["Authorization": "Bearer \(token)"]).status
            }
        }
        let first = try statuses(seed: 7)
        #expect(try statuses(seed: 7) == first)
        #expect(Set(first) == [200, 500, 429])
    }

    @Test func tokenBucketRefillsWithTime() {
        var bucket = TokenBucket(rate: 2)
        let takes = [bucket.take(now: 0), bucket.take(now: 0), bucket.take(now: 0),
                     bucket.take(now: 500_000_000), bucket.take(now: 500_000_000)]
        #expect(takes == [true, true, false, true, false])
    }

    @Test func splitMixIsDeterministic() {
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
        #expect((0..<1000).allSatisfy { _ in (0..<1).contains(a.nextUnit()) })
    }
}
