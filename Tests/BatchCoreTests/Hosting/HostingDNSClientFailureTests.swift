import Foundation
import Glibc
import Synchronization
import Testing
@testable import BatchCore
@testable import BatchRules

/// Failure modes that need no dnsmasq: scripted loopback peers.
@Suite struct HostingDNSClientFailureTests {
    @Test func serverThatNeverAnswersTimesOut() async throws {
        let silent = try LoopbackTestSocket(type: Int32(SOCK_DGRAM.rawValue), port: 0)
        defer { silent.close() }
        let client = DNSClient(servers: [silent.address], timeout: .milliseconds(200), retries: 1)
        await #expect(throws: DNSError.lookupFailed(domain: "slow.example", reason: "DNS server \(silent.address) timed out")) {
            try await client.lookupMX("slow.example")
        }
        let verdict = await HostingClassifier(resolver: client).classify(email: "x@slow.example")
        #expect(verdict == .lookupFailed(domain: "slow.example", reason: "DNS server \(silent.address) timed out"))
        #expect(verdict.explanation == "lookup of slow.example failed: DNS server \(silent.address) timed out")
        #expect(hostingIssue(for: verdict, expected: .google, policy: .strict)
            == .warning("could not check that slow.example is hosted by Google: \(verdict.explanation)"))
    }

    @Test func portWithNobodyListeningFailsWithoutWaitingForTheTimeout() async throws {
        let closed = try LoopbackTestSocket(type: Int32(SOCK_DGRAM.rawValue), port: 0)
        let address = closed.address
        closed.close()
        let client = DNSClient(servers: [address], timeout: .seconds(30), retries: 0)
        await #expect(throws: DNSError.lookupFailed(domain: "a.example", reason: "DNS server \(address) refused the query (nothing listens on that port)")) {
            try await client.lookupMX("a.example")
        }
    }

    @Test func answersWithAnotherIdAreIgnored() async throws {
        let responder = try ScriptedDNSResponder { query in
            [ScriptedDNSResponder.response(to: query, mx: [(5, "evil.example")], id: query.header.id &+ 1),
             ScriptedDNSResponder.response(to: query, mx: [(10, "mail.acme.example")])]
        }
        defer { responder.stop() }
        let client = DNSClient(servers: [responder.address], timeout: .seconds(5), retries: 0)
        #expect(try await client.lookupMX("acme.example") == .records([MXRecord(preference: 10, exchange: "mail.acme.example")]))
    }

    @Test func servfailMovesOnToTheNextServerAndIsReportedWhenAllFail() async throws {
        let failing = try ScriptedDNSResponder { [ScriptedDNSResponder.response(to: $0, rcode: .serverFailure)] }
        defer { failing.stop() }
        let working = try ScriptedDNSResponder { [ScriptedDNSResponder.response(to: $0, mx: [(1, "smtp.google.com")])] }
        defer { working.stop() }
        let both = DNSClient(servers: [failing.address, working.address], timeout: .seconds(5), retries: 0)
        #expect(try await both.lookupMX("acme.example") == .records([MXRecord(preference: 1, exchange: "smtp.google.com")]))

        let onlyFailing = DNSClient(servers: [failing.address], timeout: .seconds(5), retries: 2)
        await #expect(throws: DNSError.lookupFailed(domain: "acme.example", reason: "DNS server \(failing.address) answered SERVFAIL")) {
            try await onlyFailing.lookupMX("acme.example")
        }
        #expect(failing.queriesSeen.load(ordering: .sequentiallyConsistent) == 4)
    }

    @Test func truncatedAnswerWithNoTCPServiceIsALookupFailure() async throws {
        let truncating = try ScriptedDNSResponder { query in
            var bytes = ScriptedDNSResponder.response(to: query)
            bytes[2] |= 0x02  // TC
            return [bytes]
        }
        defer { truncating.stop() }
        let client = DNSClient(servers: [truncating.address], timeout: .seconds(5), retries: 0)
        // Nothing listens on TCP at that port (the responder only binds UDP): the TCP retry fails.
        do {
            _ = try await client.lookupMX("big.example")
            Issue.record("a truncated answer must not be used as it is")
        } catch let error as DNSError {
            #expect(error.description.hasPrefix("lookup of big.example failed: DNS server \(truncating.address) "))
            #expect(error.description.contains("TCP"))
        }
        #expect(truncating.queriesSeen.load(ordering: .sequentiallyConsistent) == 1)
    }
}
