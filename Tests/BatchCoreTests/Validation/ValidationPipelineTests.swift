import Synchronization
import Testing
@testable import BatchCore
@testable import BatchInput
@testable import BatchJobs
@testable import BatchModel
@testable import BatchRules

/// MX answers from a dictionary, counting lookups per domain.
final class PipelineFakeResolver: MXResolving {
    let answers: [String: MXLookupResult]
    private let counts = Mutex<[String: Int]>([:])

    init(_ answers: [String: MXLookupResult]) { self.answers = answers }

    func lookupMX(_ domain: String) async throws -> MXLookupResult {
        counts.withLock { $0[domain, default: 0] += 1 }
        guard let answer = answers[domain] else { throw DNSError.lookupFailed(domain: domain, reason: "timed out") }
        return answer
    }

    func calls(_ domain: String) -> Int { counts.withLock { $0[domain] ?? 0 } }
    var totalCalls: Int { counts.withLock { $0.values.reduce(0, +) } }
}

/// Records handed out in order, as a file would.
final class ArraySource: RecordSource {
    let format = InputFormat.csv(delimiter: UInt8(ascii: ","))
    let unmappedColumns: [String] = []
    private var records: [SourceRecord]

    init(_ records: [SourceRecord]) { self.records = records.reversed() }

    func next() throws -> SourceRecord? { records.popLast() }
}

@Suite struct ValidationPipelineTests {
    static let mx: [String: MXLookupResult] = [
        "acme.example": .records([MXRecord(preference: 1, exchange: "aspmx.l.google.com")]),
        "contoso.example": .records([MXRecord(preference: 0, exchange: "contoso-example.mail.protection.outlook.com")]),
        "self.example": .records([MXRecord(preference: 10, exchange: "mx.self.example")]),
        "nomail.example": .noRecords,
    ]

    func rows(_ specs: [[ResourceField: String]]) -> [SourceRecord] {
        specs.enumerated().map { record($1, row: $0 + 1, line: $0 + 2) }
    }

    func run(_ records: [SourceRecord], policy: HostingPolicy = .strict, resolver: PipelineFakeResolver, batchSize: Int = 1024,
             table: DomainHostingTable? = nil) async throws -> ([ValidatedRow], ValidationPipeline) {
        var o = ValidationOptions()
        o.returnURLs.google = "https://example.com/back"
        o.returnURLs.outlook = "https://example.com/back"
        o.hostingPolicy = policy
        let classifier = HostingClassifier(resolver: resolver, table: table)
        let p = ValidationPipeline(source: ArraySource(records), options: o, hosting: classifier, batchSize: batchSize)
        var out: [ValidatedRow] = []
        while let batch = try await p.nextBatch() { out += batch }
        return (out, p)
    }

    @Test func oneLookupPerDomainAcrossBatches() async throws {
        let resolver = PipelineFakeResolver(Self.mx)
        var specs: [[ResourceField: String]] = []
        for i in 0..<10 {
            specs.append([.name: "G\(i)", .email: "g\(i)@acme.example", .googleCalendarId: "g\(i)@ACME.example"])
            specs.append([.name: "O\(i)", .email: "o\(i)@contoso.example", .outlookCalendarId: "o\(i)@contoso.example"])
        }
        let (out, _) = try await run(rows(specs), resolver: resolver, batchSize: 3)
        #expect(out.count == 20)
        #expect(out.map(\.row) == Array(1...20), "input order")
        #expect(out.allSatisfy { $0.isValid })
        #expect(resolver.calls("acme.example") == 1)
        #expect(resolver.calls("contoso.example") == 1)
        #expect(resolver.totalCalls == 2)
    }

    @Test func consumerDomainsAndRowsWithoutCalendarNeedNoLookup() async throws {
        let resolver = PipelineFakeResolver([:])
        let (out, _) = try await run(rows([
            [.name: "A", .email: "a@gmail.com", .googleCalendarId: "a@gmail.com"],
            [.name: "B", .email: "b@hotmail.co.uk", .outlookCalendarId: "b@hotmail.co.uk"],
            [.name: "C", .email: "c@self.example"],
        ]), resolver: resolver)
        #expect(out.allSatisfy { $0.issues.isEmpty })
        #expect(resolver.totalCalls == 0)
    }

    @Test func wrongProviderIsAnErrorWhenStrict() async throws {
        let resolver = PipelineFakeResolver(Self.mx)
        let (out, _) = try await run(rows([
            [.name: "A", .email: "a@contoso.example", .googleCalendarId: "a@contoso.example"],
            [.name: "B", .email: "b@acme.example", .outlookCalendarId: "b@acme.example"],
            [.name: "C", .email: "c@self.example", .googleCalendarId: "c@self.example"],
            [.name: "D", .email: "d@nomail.example", .googleCalendarId: "d@nomail.example"],
            [.name: "E", .email: "e@gmail.com", .outlookCalendarId: "e@gmail.com"],
        ]), resolver: resolver)
        #expect(out.map { errorFields($0) } == [["googleCalendarId"], ["outlookCalendarId"], ["googleCalendarId"], ["googleCalendarId"], ["outlookCalendarId"]])
        #expect(out[0].issues[0].message.contains("not hosted by Google"))
        #expect(out[1].issues[0].message.contains("not hosted by Microsoft"))
    }

    @Test func failedLookupIsOnlyAWarningWhenStrict() async throws {
        let resolver = PipelineFakeResolver(Self.mx)
        let (out, _) = try await run(rows([[.name: "A", .email: "a@timeout.example", .googleCalendarId: "a@timeout.example"]]), resolver: resolver)
        #expect(out[0].isValid)
        #expect(out[0].issues.count == 1)
        #expect(out[0].issues[0].severity == .warning)
        #expect(out[0].issues[0].field == "googleCalendarId")
    }

    @Test func warnPolicyMakesEverythingAWarning() async throws {
        let resolver = PipelineFakeResolver(Self.mx)
        let (out, _) = try await run(rows([
            [.name: "A", .email: "a@contoso.example", .googleCalendarId: "a@contoso.example"],
            [.name: "B", .email: "b@nomail.example", .outlookCalendarId: "b@nomail.example"],
        ]), policy: .warn, resolver: resolver)
        #expect(out.allSatisfy { $0.isValid })
        #expect(out.allSatisfy { $0.issues.count == 1 && $0.issues[0].severity == .warning })
        #expect(out[0].issues.reportMessage.hasPrefix("warning: googleCalendarId: "))
    }

    @Test func offPolicyLooksNothingUp() async throws {
        let resolver = PipelineFakeResolver(Self.mx)
        let (out, _) = try await run(rows([[.name: "A", .email: "a@contoso.example", .googleCalendarId: "a@contoso.example"]]),
                                     policy: .off, resolver: resolver)
        #expect(out[0].issues.isEmpty)
        #expect(resolver.totalCalls == 0)
    }

    @Test func domainHostingTableAnswersWithoutDNS() async throws {
        let resolver = PipelineFakeResolver([:])
        let table = DomainHostingTable(entries: ["acme.example": .google, "contoso.example": .microsoft])
        let (out, _) = try await run(rows([
            [.name: "A", .email: "a@acme.example", .googleCalendarId: "a@acme.example"],
            [.name: "B", .email: "b@acme.example", .outlookCalendarId: "b@acme.example"],
        ]), resolver: resolver, table: table)
        #expect(out[0].issues.isEmpty)
        #expect(errorFields(out[1]) == ["outlookCalendarId"])
        #expect(resolver.totalCalls == 0)
    }

    @Test func invalidCalendarIdIsNotLookedUp() async throws {
        let resolver = PipelineFakeResolver(Self.mx)
        let (out, _) = try await run(rows([[.name: "A", .email: "a@x.example", .googleCalendarId: "a@@acme.example"]]), resolver: resolver)
        #expect(errorFields(out[0]) == ["googleCalendarId"], "one error, from the syntax check, none from hosting")
    }

    @Test func duplicatesAreSkippedNamingTheFirstRowAcrossBatches() async throws {
        let resolver = PipelineFakeResolver(Self.mx)
        let (out, p) = try await run(rows([
            [.name: "A", .email: "ana@x.example"],
            [.name: "B", .email: "ben@x.example", .id: "7"],
            [.name: "C", .email: "ANA@x.example"],
            [.name: "D", .email: "dan@x.example", .id: "7"],
            [.name: "E", .email: "Ana@X.Example"],
        ]), resolver: resolver, batchSize: 2)
        #expect(out.map(\.duplicateOf) == [nil, nil, 1, 2, 1])
        #expect(out[2].issues.reportMessage == "warning: the same e-mail as row 1; skipped")
        #expect(out[3].issues.reportMessage == "warning: the same id as row 2; skipped")
        #expect(!out[2].isValid && !out[2].issues.hasErrors)
        #expect(p.duplicateCount == 3)
    }

    /// cli.md "One key, one row": a key is taken by its first row whether or not that row is valid.
    @Test func everyRowClaimsItsKeysEvenAnInvalidOne() async throws {
        let resolver = PipelineFakeResolver(Self.mx)
        let (out, p) = try await run(rows([
            [.email: "ana@x.example"],                       // invalid: no name; still claims the e-mail
            [.name: "A", .email: "ana@x.example"],           // skipped, naming row 1
            [.name: "B", .email: "ana@x.example", .sortKey: "x"], // invalid: reported as invalid, not as duplicate
            [.name: "C", .email: "ana@x.example"],           // skipped, naming row 1
        ]), resolver: resolver)
        #expect(out.map(\.duplicateOf) == [nil, 1, nil, 1])
        #expect(out[0].issues.hasErrors && out[2].issues.hasErrors)
        #expect(p.duplicateCount == 2)
    }

    @Test func aRowAfterAHostingErrorRowWithItsEmailIsSkipped() async throws {
        let resolver = PipelineFakeResolver(Self.mx)
        let (out, _) = try await run(rows([
            [.name: "A", .email: "a@contoso.example", .googleCalendarId: "a@contoso.example"],
            [.name: "A2", .email: "a@contoso.example", .outlookCalendarId: "a@contoso.example"],
        ]), resolver: resolver)
        #expect(out[0].issues.hasErrors)
        #expect(out[1].duplicateOf == 1, "one key, one row: the first row holds the e-mail even when invalid")
    }
}

@Suite struct OneKeyOneRowTests {
    @Test func aRowRepeatingTheKeyOfAnInvalidRowIsSkippedNamingIt() async throws {
        let t = ValidationPipelineTests()
        let specs: [[ResourceField: String]] = [
            [.email: "shared@gmail.com"],  // no name: invalid
            [.name: "Kenji", .email: "SHARED@gmail.com"],
            [.name: "Other", .email: "other@gmail.com"],
        ]
        let (out, p) = try await t.run(t.rows(specs), policy: .off, resolver: PipelineFakeResolver([:]))
        #expect(out[0].issues.hasErrors)
        #expect(out[1].duplicateOf == 1)
        #expect(out[1].issues.reportMessage.contains("row 1"))
        #expect(out[2].isValid)
        #expect(p.duplicateCount == 1)
        #expect(ImportJob.importRow(out[1]).disposition == .skipped)
    }
}
