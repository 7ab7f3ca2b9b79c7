import Testing
@testable import BatchCore
@testable import BatchJobs
@testable import BatchRules

@Suite struct HostingClassifierTests {
    static func records(_ hosts: (UInt16, String)...) -> Result<MXLookupResult, DNSError> {
        .success(.records(hosts.map { MXRecord(preference: $0.0, exchange: $0.1) }))
    }

    /// A fresh fake per test, so call logs are not shared between tests running in parallel.
    static func makeFake() -> FakeMXResolver {
        FakeMXResolver(answers: [
        "legacy-google.com": records((1, "aspmx.l.google.com"), (5, "alt1.aspmx.l.google.com")),
        "old-googlemail.com": records((10, "aspmx2.googlemail.com")),
        "new-google.com": records((1, "smtp.google.com")),
        "ms365.com": records((0, "ms365-com.mail.protection.outlook.com")),
        "newms.com": records((0, "newms-com.a1b2c3.mx.microsoft")),
        "consumer-outlook.com": records((10, "hotmail-com.olc.protection.outlook.com")),
        "consumer-gmail.com": records((5, "gmail-smtp-in.l.google.com")),
        "acme.com": records((10, "mail.acme.com")),
        "nomail.com": .success(.noRecords),
        "slow.com": .failure(.lookupFailed(domain: "slow.com", reason: "DNS server 127.0.0.1:53 timed out")),
        ])
    }

    @Test func everyCase() async {
        let c = HostingClassifier(resolver: Self.makeFake())
        #expect(await c.classify(domain: "gmail.com") == .consumerDomain(domain: "gmail.com", provider: .google))
        #expect(await c.classify(email: " Ana@HotMail.co.uk ") == .consumerDomain(domain: "hotmail.co.uk", provider: .microsoft))
        #expect(await c.classify(domain: "legacy-google.com")
            == .hostedByProvider(domain: "legacy-google.com", provider: .google, mx: "aspmx.l.google.com", consumerInfrastructure: false))
        #expect(await c.classify(domain: "old-googlemail.com").provider == .google)
        #expect(await c.classify(domain: "new-google.com").explanation == "new-google.com is hosted by Google (MX smtp.google.com)")
        #expect(await c.classify(domain: "ms365.com").provider == .microsoft)
        #expect(await c.classify(domain: "newms.com").provider == .microsoft)
        #expect(await c.classify(domain: "consumer-outlook.com")
            == .hostedByProvider(domain: "consumer-outlook.com", provider: .microsoft,
                                 mx: "hotmail-com.olc.protection.outlook.com", consumerInfrastructure: true))
        #expect(await c.classify(domain: "consumer-gmail.com")
            == .hostedByProvider(domain: "consumer-gmail.com", provider: .google,
                                 mx: "gmail-smtp-in.l.google.com", consumerInfrastructure: true))
        #expect(await c.classify(email: "bo@mail.ACME.com@acme.com") == .hostedElsewhere(domain: "acme.com", mx: ["mail.acme.com"]))
        #expect(await c.classify(domain: "nomail.com") == .noMail(domain: "nomail.com"))
        #expect(await c.classify(domain: "nosuch.example") == .nxdomain(domain: "nosuch.example"))
        #expect(await c.classify(domain: "slow.com")
            == .lookupFailed(domain: "slow.com", reason: "DNS server 127.0.0.1:53 timed out"))
        #expect(await c.classify(email: "nobody@").provider == nil)
    }

    @Test func tableComesFirstThenConsumerListThenDNS() async {
        let fake = Self.makeFake()
        let table = DomainHostingTable(entries: ["acme.com": .microsoft, "gmail.com": .other])
        let c = HostingClassifier(resolver: fake, table: table)
        #expect(await c.classify(domain: "acme.com") == .fromTable(domain: "acme.com", provider: .microsoft))
        #expect(await c.classify(domain: "gmail.com") == .fromTable(domain: "gmail.com", provider: .other))
        #expect(await c.classify(domain: "googlemail.com").provider == .google)
        #expect(await fake.log.calls.isEmpty)
    }

    @Test func resultsAndFailuresAreCachedForTheRun() async {
        let fake = Self.makeFake()
        let c = HostingClassifier(resolver: fake)
        for _ in 0..<3 {
            _ = await c.classify(domain: "acme.com")
            _ = await c.classify(domain: "ACME.com.")
            _ = await c.classify(domain: "slow.com")
        }
        #expect(await fake.log.calls == ["acme.com", "slow.com"])
        #expect(await c.cachedDomainCount == 2)
    }

    @Test func concurrentCallersShareOneLookup() async {
        var fake = Self.makeFake()
        let gate = LookupGate()
        fake.gate = gate
        let c = HostingClassifier(resolver: fake)
        let verdicts = await withTaskGroup(of: HostingVerdict.self) { group in
            for i in 0..<50 { group.addTask { await c.classify(email: "user\(i)@ms365.com") } }
            #expect(await hostingEventually { await fake.log.calls.count == 1 })
            await gate.open()
            var all: [HostingVerdict] = []
            for await v in group { all.append(v) }
            return all
        }
        #expect(verdicts.count == 50)
        #expect(Set(verdicts.map(\.explanation)).count == 1)
        #expect(verdicts.allSatisfy { $0.provider == .microsoft })
        #expect(await fake.log.calls == ["ms365.com"])
    }

    @Test func lookupsInFlightAreBounded() async {
        let gate = LookupGate()
        let fake = FakeMXResolver(answers: [:], gate: gate)
        let c = HostingClassifier(resolver: fake, maxConcurrentLookups: 3)
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<20 { group.addTask { _ = await c.classify(domain: "d\(i).example") } }
            #expect(await hostingEventually {
                let running = await fake.log.running
                let waiting = await c.waitingLookupCount
                return running == 3 && waiting == 17
            })
            #expect(await fake.log.calls.count == 3)
            await gate.open()
        }
        #expect(await fake.log.maxRunning == 3)
        #expect(await fake.log.calls.count == 20)
    }

    @Test func waitersAreServedInArrivalOrder() async {
        let gate = LookupGate()
        let fake = FakeMXResolver(answers: [:], gate: gate)
        let c = HostingClassifier(resolver: fake, maxConcurrentLookups: 1)
        await withTaskGroup(of: Void.self) { group in
            for (i, name) in ["a", "b", "c", "d", "e"].enumerated() {
                group.addTask { _ = await c.classify(domain: "\(name).example") }
                // Let this one reach the classifier before the next one starts.
                #expect(await hostingEventually {
                    let calls = await fake.log.calls.count
                    let waiting = await c.waitingLookupCount
                    return calls == 1 && waiting == i
                })
            }
            await gate.open()
        }
        #expect(await fake.log.calls == ["a.example", "b.example", "c.example", "d.example", "e.example"])
    }
}
