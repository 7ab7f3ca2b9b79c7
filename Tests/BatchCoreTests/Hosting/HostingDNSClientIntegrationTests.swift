import Foundation
import Testing
@testable import BatchCore
@testable import BatchRules

/// The DNS client and the classifier against a real dnsmasq on a loopback port.
///
/// Skipped when dnsmasq is missing, except under CI=true, where a missing dnsmasq fails.
@Suite(.serialized, .enabled(if: DnsmasqServer.shouldRun, "dnsmasq not installed (CI=true makes this a failure)"))
struct HostingDNSClientIntegrationTests {
    /// ~40 long MX names: far more than 512 bytes, so dnsmasq must set TC over UDP.
    static let bigMX = (1...40).map { "mx\($0)-a-rather-long-host-name-to-overflow-udp.big.example" }

    static let records: [String] = [
        // Everything under example. is local: unknown names are NXDOMAIN, names without MX are NODATA.
        "--local=/example/",
        "--mx-host=google-ws.example,aspmx.l.google.com,1",
        "--mx-host=ms365.example,ms365-example.mail.protection.outlook.com,0",
        "--mx-host=newms.example,newms-example.a1b2c3.mx.microsoft,0",
        "--mx-host=selfhosted.example,mail.selfhosted.example,10",
        "--host-record=nomail.example,127.0.0.9",
        "--address=/nosuch.example/",
    ] + bigMX.enumerated().map { "--mx-host=big.example,\($0.element),\($0.offset + 1)" }

    @Test func lookupsReturnRecordsNoDataAndNXDOMAIN() async throws {
        let dnsmasq = try await DnsmasqServer.start(records: Self.records)
        defer { dnsmasq.stop() }
        let client = DNSClient(servers: [dnsmasq.server], timeout: .seconds(2), retries: 1)
        #expect(try await client.lookupMX("Google-WS.example.") == .records([MXRecord(preference: 1, exchange: "aspmx.l.google.com")]))
        #expect(try await client.lookupMX("ms365.example") == .records([MXRecord(preference: 0, exchange: "ms365-example.mail.protection.outlook.com")]))
        #expect(try await client.lookupMX("selfhosted.example") == .records([MXRecord(preference: 10, exchange: "mail.selfhosted.example")]))
        #expect(try await client.lookupMX("nomail.example") == .noRecords)
        #expect(try await client.lookupMX("nosuch.example") == .nxdomain)
        #expect(try await client.lookupMX("unknown.example") == .nxdomain)
    }

    @Test func refusedAnswerIsALookupFailureNamingTheServer() async throws {
        let dnsmasq = try await DnsmasqServer.start(records: Self.records)
        defer { dnsmasq.stop() }
        let client = DNSClient(servers: [dnsmasq.server], timeout: .seconds(2), retries: 0)
        // Outside --local and without upstream servers, dnsmasq answers REFUSED.
        await #expect(throws: DNSError.lookupFailed(domain: "elsewhere.test", reason: "DNS server \(dnsmasq.server) answered REFUSED")) {
            try await client.lookupMX("elsewhere.test")
        }
    }

    @Test func truncatedUDPAnswerIsRetriedOverTCP() async throws {
        let dnsmasq = try await DnsmasqServer.start(records: Self.records)
        defer { dnsmasq.stop() }
        // Precondition: over UDP alone, dnsmasq really truncates this answer.
        let query = try DNSMessage.query(for: "big.example")
        let server = dnsmasq.server
        let udpOnly = try await DNSTransport.run {
            try DNSTransport.udpExchange(try query.encoded(), server: server, timeout: .seconds(2)) {
                DNSClient.interpret($0, for: query, ignoreMismatch: true)
            }.get()
        }
        #expect(udpOnly.header.isTruncated)
        #expect(udpOnly.answers.count < 40)

        let client = DNSClient(servers: [dnsmasq.server], timeout: .seconds(2), retries: 0)
        let result = try await client.lookupMX("big.example")
        let expected = Self.bigMX.enumerated().map { MXRecord(preference: UInt16($0.offset + 1), exchange: $0.element) }
        #expect(result == .records(expected))
    }

    @Test func classifierGivesEveryVerdictThroughRealDNS() async throws {
        let dnsmasq = try await DnsmasqServer.start(records: Self.records)
        defer { dnsmasq.stop() }
        let classifier = HostingClassifier(resolver: DNSClient(servers: [dnsmasq.server], timeout: .seconds(2), retries: 1))
        #expect(await classifier.classify(email: "ana@google-ws.example").explanation
            == "google-ws.example is hosted by Google (MX aspmx.l.google.com)")
        #expect(await classifier.classify(email: "bo@ms365.example").provider == .microsoft)
        #expect(await classifier.classify(email: "cy@newms.example")
            == .hostedByProvider(domain: "newms.example", provider: .microsoft, mx: "newms-example.a1b2c3.mx.microsoft", consumerInfrastructure: false))
        #expect(await classifier.classify(email: "di@selfhosted.example")
            == .hostedElsewhere(domain: "selfhosted.example", mx: ["mail.selfhosted.example"]))
        #expect(await classifier.classify(email: "ed@nomail.example") == .noMail(domain: "nomail.example"))
        #expect(await classifier.classify(email: "fa@nosuch.example") == .nxdomain(domain: "nosuch.example"))
        #expect(await classifier.classify(email: "gu@big.example").provider == .other)
        #expect(await classifier.classify(email: "ha@gmail.com") == .consumerDomain(domain: "gmail.com", provider: .google))
        let refused = await classifier.classify(email: "io@elsewhere.test")
        #expect(refused.provider == nil)
        #expect(refused.explanation == "lookup of elsewhere.test failed: DNS server \(dnsmasq.server) answered REFUSED")
    }
}

