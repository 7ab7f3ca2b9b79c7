import Testing
@testable import BatchCore
@testable import BatchInput
@testable import BatchModel
@testable import BatchRules

/// A source that fails with an input error after `failAfter` records.
final class FailingSource: RecordSource {
    let format = InputFormat.csv(delimiter: UInt8(ascii: ","))
    let unmappedColumns: [String] = []
    private var row = 0
    let failAfter: Int

    init(failAfter: Int) { self.failAfter = failAfter }

    func next() throws -> SourceRecord? {
        row += 1
        if row > failAfter { throw InputError.malformed(path: "x.csv", line: row + 1, column: 1, reason: "broken") }
        return record([.name: "N\(row)", .email: "p\(row % 7)@x.example"], row: row, line: row + 1)
    }
}

/// The read-ahead pipeline (validate's) must hand out exactly what the plain one does.
@Suite struct ReadAheadTests {
    func specs(_ n: Int) -> [SourceRecord] {
        (1...n).map { i in
            var f: [ResourceField: String] = [.name: "Name \(i)", .email: "User\(i % 300)@Example.COM"]
            if i % 5 == 0 { f[.googleCalendarId] = "user\(i)@acme.example"; f[.calendarAvailability] = "1" }
            if i % 11 == 0 { f[.email] = "broken\(i)" }
            if i % 13 == 0 { f[.groupId] = "x\(i)" }
            return record(f, row: i, line: i + 1)
        }
    }

    func collect(_ p: ValidationPipeline) async throws -> [ValidatedRow] {
        var out: [ValidatedRow] = []
        while let batch = try await p.nextBatch() { out += batch }
        return out
    }

    @Test func sameRowsWithAndWithoutReadAhead() async throws {
        var o = ValidationOptions()
        o.returnURLs.google = "https://example.com/back"
        let table = DomainHostingTable(entries: ["acme.example": .google])
        let plain = try await collect(ValidationPipeline(
            source: ArraySource(specs(3000)), options: o, hosting: HostingClassifier(resolver: PipelineFakeResolver([:]), table: table),
            batchSize: 100))
        let ahead = try await collect(ValidationPipeline(
            source: ArraySource(specs(3000)), options: o, hosting: HostingClassifier(resolver: PipelineFakeResolver([:]), table: table),
            batchSize: 100, readAhead: 2))
        #expect(plain.count == 3000 && ahead.count == 3000)
        for (a, b) in zip(plain, ahead) {
            #expect(a.row == b.row && a.issues == b.issues && a.duplicateOf == b.duplicateOf && a.email == b.email
                    && a.calendarId == b.calendarId && a.payload == b.payload)
        }
        #expect(plain.contains { $0.duplicateOf != nil })
    }

    /// The reading thread leaves some rows unchecked for the caller's thread: checking them
    /// later, with another validator, must give what checking them at once gives.
    @Test func rowsCheckedLaterMatchRowsCheckedAtOnce() {
        var o = ValidationOptions()
        o.returnURLs.google = "https://example.com/back"
        var atOnce = ResourceValidator(options: o)
        let appender = ResourceValidator(options: o)
        var later = ResourceValidator(options: o)
        var a: [ValidatedRow] = []
        var b: [ValidatedRow] = []
        var records = specs(600)
        records.append(record([.email: "x@y.example", .id: "7", .outlookCalendarId: "x@y.example"], row: 601, line: 602))
        for r in records {
            atOnce.validate(r, appendingTo: &a)
            appender.appendUnchecked(r, to: &b)
        }
        for i in stride(from: b.count - 1, through: 0, by: -1) { later.check(&b[i]) }
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) {
            #expect(x.row == y.row && x.issues == y.issues && x.id == y.id && x.provider == y.provider
                    && x.calendarAvailability == y.calendarAvailability && x.returnURLs == y.returnURLs
                    && x.calendarIdIsValid == y.calendarIdIsValid && x.payload == y.payload)
        }
        #expect(a.contains { $0.issues.hasErrors } && a.contains { $0.provider != nil })
    }

    @Test func anInputErrorComesAfterTheBatchesBeforeIt() async throws {
        let p = ValidationPipeline(source: FailingSource(failAfter: 250), options: ValidationOptions(), hosting: nil,
                                   batchSize: 100, readAhead: 2)
        var rows = 0
        await #expect(throws: InputError.self) {
            while let batch = try await p.nextBatch() { rows += batch.count }
        }
        // Rows of the batch the error interrupted are not handed out, as without read-ahead.
        #expect(rows == 200)
    }

    @Test func bytesLevelEmailChecksMatchTheStringOnes() {
        for text in ["a@b.example", "A.B@C.example", ".a@b.example", "a..b@c.example", "a@b", "a@@b.example", "a@-b.example",
                     "a@b.123", "ä@b.example", "a@bä.example", "a b@c.example", "@b.example", "a@", "a@b..example"] {
            let viaBytes = EmailAddress.problem(utf8: Array(text.utf8).span)
            #expect(viaBytes == EmailAddress.problem(text), "\(text)")
            #expect(EmailAddress.key(text) == text.lowercased())
            let bytes = Array(text.utf8)
            let hash = DuplicateTracker.emailHash(utf8: bytes.span)
            #expect(hash == DuplicateTracker.emailHash(text.lowercased()))
        }
    }

    @Test func resourceInputKeepsManyFieldsAndReplacements() {
        var input = ResourceInput()
        for (i, f) in ResourceField.allCases.enumerated() { input[f] = "v\(i)" }
        input[.email] = "changed@x.example"
        input[.name] = nil
        #expect(input[.email] == "changed@x.example")
        #expect(input[.name] == nil && !input.has(.name))
        #expect(input[.country] == "v\(ResourceField.country.ordinal)")
        #expect(input.givenFields.count == ResourceField.allCases.count - 1)
        var copy = input
        copy[.city] = "Oslo"
        #expect(copy != input && input[.city] == "v\(ResourceField.city.ordinal)")
    }
}
