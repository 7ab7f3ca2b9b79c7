import Foundation
import Testing
@testable import BatchCore
@testable import BatchInput
@testable import BatchModel
@testable import BatchReport
@testable import BatchRules

/// `validate`'s batch arenas (``ArenaValidationPipeline``, ``RowArena``) must give, row for row,
/// what ``ValidationPipeline`` gives on the same CSV: the same report cells, issues, duplicates
/// and raw bytes for the errors file, whichever thread checks a row.
@Suite struct ArenaValidationPipelineTests {
    /// A CSV with what moves cells around: quoted cells with doubled quotes and line breaks,
    /// spaces to trim, a formula guard, clear markers (allowed and refused, inline and past the
    /// eighth entry), extra and missing fields, service id lists, duplicates by e-mail (any
    /// case) and id, bad values, and more than eight mapped columns (entries in the overflow).
    static func tricky(rows: Int) -> String {
        var s = "name,email,id,googleCalendarId,outlookCalendarId,calendarAvailability,serviceIds,groupId,timezoneId,description,city,country,customField1\n"
        for i in 1...rows {
            switch i % 24 == 3 ? 13 : i % 12 {
            case 0: s += "\"Ann \"\"A\"\" \(i)\",ann\(i % 50)@acme.example,,ann\(i % 50)@acme.example,,1,\"1; 2,3\",7,Europe/Berlin,\"two\nlines\",Paris,FR,x\n"
            case 1: s += "  Bob \(i)  , BOB\(i % 40)@Example.COM ,,,bob\(i)@contoso.example,2,,,W. Europe Standard Time,#clear,,,#CLEAR\n"
            case 2: s += "'=Eve \(i),eve\(i)@x.example,\(i % 30),,,0,,,,,,,\n"
            case 3: s += "Carl \(i),#clear,,,,,,,,,,,\n"
            case 4: s += "Dan \(i),dan\(i)@x.example,,,,9,x;;y,abc,Mars/Olympus,d,c,co,cf,extra\n"
            case 5: s += "Fay \(i),\"fay\(i)@x.example\",,\"fay\(i)@acme.example\",\"fay\(i)@contoso.example\",,,,,,,,\n"
            case 6: s += ",nobody\(i)@x.example\n"
            case 7: s += "Gus \(i),not an email,,gus@,,1,,,,,,,\n"
            case 8: s += "Hal \(i),hal\(i)@x.example,\(i % 30),,,,,,America/New_York,\"q \"\" q\",city,,#clear\n"
            case 9: s += "Ivy \(i),ivy\(i % 25)@x.example,,,,,\" , \",,,,,,\n"
            case 10: s += "Jon Doe,jon\(i)@x.example,,,,google,,,,,,,\n"
            case 13: s += "Lea \(i),lea\(i)@x.example,,lea\(i)@acme.example,,1,,,Europe/Paris,,,,\n" // valid, unique
            default: s += "Kim \(i),KIM\(i % 20)@x.example,,kim\(i)@acme.example,,,,,,,,,\n"
            }
        }
        return s
    }

    static func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "arena-\(UUID().uuidString).csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The report rows and errors-file lines of the general pipeline.
    static func general(_ path: String, _ o: ValidationOptions, readAhead: Int) async throws -> [(ReportRow, [UInt8]?)] {
        let source = try CSVRecordSource(path: path, options: InputOptions())
        let p = ValidationPipeline(source: source, options: o, hosting: nil, batchSize: 7, readAhead: readAhead)
        var out: [(ReportRow, [UInt8]?)] = []
        while let batch = try await p.nextBatch() {
            for r in batch {
                let status: RowStatus = r.issues.hasErrors ? .invalid : (r.duplicateOf != nil ? .skipped : .valid)
                out.append((ReportRow(r, status: status), r.record.raw))
            }
        }
        return out
    }

    /// The same from batch arenas.
    static func arena(_ path: String, _ o: ValidationOptions, readAhead: Int) async throws -> [(ReportRow, [UInt8]?)] {
        let source = try CSVRecordSource(path: path, options: InputOptions())
        let p = ArenaValidationPipeline(source: source, options: o, hosting: nil, batchSize: 7, readAhead: readAhead)
        var out: [(ReportRow, [UInt8]?)] = []
        while var batch = try await p.nextBatch() {
            for i in 0..<batch.count {
                let status: RowStatus = batch.rows[i].hasErrors ? .invalid : (batch.rows[i].duplicateOf != 0 ? .skipped : .valid)
                out.append((ReportRow(batch, i, status: status), batch.raw(i)))
            }
            p.recycle(&batch)
        }
        return out
    }

    @Test(arguments: [0, 2])
    func sameRowsAsTheGeneralPipeline(readAhead: Int) async throws {
        let path = try Self.write(Self.tricky(rows: 600))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var o = ValidationOptions()
        o.returnURLs.google = "https://example.com/back"
        let a = try await Self.general(path, o, readAhead: 0)
        let b = try await Self.arena(path, o, readAhead: readAhead)
        #expect(a.count == 600 && b.count == 600)
        for (x, y) in zip(a, b) {
            #expect(x.0 == y.0)
            #expect(x.1 == y.1)
        }
        #expect(a.contains { $0.0.status == .skipped } && a.contains { $0.0.status == .invalid } && a.contains { $0.0.status == .valid })
    }

    /// A header the arena fills unquoted records for in one loop (``ColumnPlan``: no field named
    /// twice, no `serviceIds`, at most eight mapped columns), with an unmapped column, cells to
    /// trim or unguard, blank and whitespace-only cells, clear markers, quoted cells, extra and
    /// missing fields, calendar ids repeating the e-mail (a bad one too) or not quite; and headers
    /// the plan refuses (nine mapped columns, `serviceIds`).
    static func planned(rows: Int, header: String) -> String {
        var s = header + "\n"
        for i in 1...rows {
            switch i % 12 {
            case 0: s += "Ann \(i),ann\(i % 50)@acme.example,,ann\(i % 50)@acme.example,,1,Europe/Berlin,note,x\n"
            case 1: s += "  Bob \(i)\t, BOB\(i % 40)@Example.COM ,,,bob\(i)@contoso.example,2,W. Europe Standard Time,#clear,\n"
            case 2: s += "'=Eve \(i),eve\(i)@x.example,\(i % 30),,,0,,,'@y\n"
            case 3: s += "Carl \(i),#clear,   ,,,,#CLEAR,,\n"
            case 4: s += "Dan \(i),dan\(i)@x.example,,,,9,Mars/Olympus,d,c,extra,more\n"
            case 5: s += "\"Fay, \(i)\",fay\(i)@x.example,,fay\(i)@acme.example,,,,\"a \"\"b\"\"\",\n"
            case 6: s += ",nobody\(i)@x.example\n"
            case 7: s += "Gus \(i),gus\(i)@x.example,\(i % 30),gus\(i)@x.example,gus@,1,America/New_York, ,'\n"
            case 9: s += "Ivy \(i),ivy..\(i)@x.example,,ivy..\(i)@x.example,,1,,,\n" // the same bad address twice
            case 10: s += "Joe \(i),joe\(i)@x.example,,,joe\(i)@X.example,2,,,\n" // the same but for case
            case 11: s += "Lou \(i),lou\(i)@x.example,,lou\(i)@x.example,lou\(i)@x.example,,,,\n"
            default: s += "Kim \(i),KIM\(i % 20)@x.example,,kim\(i)@acme.example,,,,,\n"
            }
        }
        return s
    }

    @Test(arguments: [
        "name,email,id,googleCalendarId,outlookCalendarId,calendarAvailability,timezoneId,description,unknownColumn",
        "name,email,id,googleCalendarId,outlookCalendarId,calendarAvailability,timezoneId,description,city",
        "name,email,id,googleCalendarId,outlookCalendarId,calendarAvailability,timezoneId,description,serviceIds",
    ])
    func sameRowsWithOrWithoutAColumnPlan(header: String) async throws {
        let mapping = try ColumnMapping(headers: header.split(separator: ",").map(String.init))
        #expect((ColumnPlan(mapping.fields) != nil) == header.hasSuffix("description,unknownColumn"))
        let path = try Self.write(Self.planned(rows: 300, header: header))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var o = ValidationOptions()
        o.returnURLs.google = "https://example.com/back"
        let a = try await Self.general(path, o, readAhead: 0)
        let b = try await Self.arena(path, o, readAhead: 2)
        #expect(a.count == 300 && b.count == 300)
        for (x, y) in zip(a, b) {
            #expect(x.0 == y.0)
            #expect(x.1 == y.1)
        }
    }

    /// The report's bytes, CSV encoded from the arena, equal those written through `ReportRow`s.
    @Test func reportBytesFromTheArena() async throws {
        let path = try Self.write(Self.tricky(rows: 120))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let o = ValidationOptions()
        let dir = NSTemporaryDirectory() + "arena-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let viaRows = try ReportWriter(path: dir + "/a.csv", format: .csv)
        for (row, _) in try await Self.general(path, o, readAhead: 0) { try viaRows.write(row) }
        try viaRows.close()
        let fromArena = try ReportWriter(path: dir + "/b.csv", format: .csv)
        let source = try CSVRecordSource(path: path, options: InputOptions())
        let p = ArenaValidationPipeline(source: source, options: o, hosting: nil, batchSize: 16)
        while var batch = try await p.nextBatch() {
            let statuses = (0..<batch.count).map { i -> RowStatus in
                batch.rows[i].hasErrors ? .invalid : (batch.rows[i].duplicateOf != 0 ? .skipped : .valid)
            }
            try fromArena.write(batch, statuses: statuses)
            p.recycle(&batch)
        }
        try fromArena.close()
        let x = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.csv"))
        let y = try Data(contentsOf: URL(fileURLWithPath: dir + "/b.csv"))
        #expect(x == y)
        #expect(x.count > 1000)
    }

    /// The errors file written from an arena (field counts kept from the read, messages made once)
    /// equals the one written from the general pipeline's rows (the record read again per line).
    @Test func errorsFileFromTheArena() async throws {
        let text = Self.tricky(rows: 240)
        let path = try Self.write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let headers = text.prefix { $0 != "\n" }.split(separator: ",").map(String.init)
        let dir = NSTemporaryDirectory() + "arena-errors-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let o = ValidationOptions()
        let general = ErrorsWriter(path: dir + "/a.csv", format: .csv(delimiter: 0x2C), headers: headers, delimiter: 0x2C, bom: false)
        for (row, raw) in try await Self.general(path, o, readAhead: 0) where row.status == .invalid {
            try general.write(raw: raw, message: row.message)
        }
        try general.close()
        let fromArena = ErrorsWriter(path: dir + "/b.csv", format: .csv(delimiter: 0x2C), headers: headers, delimiter: 0x2C, bom: false)
        let source = try CSVRecordSource(path: path, options: InputOptions())
        let p = ArenaValidationPipeline(source: source, options: o, hosting: nil, batchSize: 16)
        while var batch = try await p.nextBatch() {
            for i in 0..<batch.count where batch.rows[i].hasErrors {
                #expect(batch.message(i) == batch.issues(i).reportMessage)
                try fromArena.write(raw: batch.raw(i), fieldCount: Int(batch.rows[i].fieldCount), message: batch.message(i))
            }
            p.recycle(&batch)
        }
        try fromArena.close()
        let x = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.csv"))
        let y = try Data(contentsOf: URL(fileURLWithPath: dir + "/b.csv"))
        #expect(x == y)
        #expect(general.rowsWritten > 50 && general.rowsWritten == fromArena.rowsWritten)
    }

    /// `reportMessage` is the issues' descriptions joined by `; `.
    @Test func reportMessageJoinsDescriptions() {
        let issues = [
            RowIssue(.error, field: "email", "'x' has no @"), RowIssue(.warning, field: nil, "the same id as row 3; skipped"),
            RowIssue(.error, field: nil, "bare"), RowIssue(.warning, field: "googleCalendarId", "hosted elsewhere"),
        ]
        for n in 0...issues.count {
            let some = Array(issues.prefix(n))
            #expect(some.reportMessage == some.map(\.description).joined(separator: "; "))
        }
    }

    /// In every report format the arena's report equals the general pipeline's, byte for byte
    /// (the workbook's usual rows are written from the batch's bytes on both paths).
    @Test(arguments: [ReportFormat.xlsx, .jsonl, .csv])
    func reportFromTheArenaInEveryFormat(_ format: ReportFormat) async throws {
        // Enough rows that the workbook's first rows (kept to size its columns) are behind it.
        let path = try Self.write(Self.tricky(rows: 2500))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var o = ValidationOptions()
        o.returnURLs.google = "https://example.com/back"
        o.returnURLs.outlook = "https://example.com/back"
        let dir = NSTemporaryDirectory() + "arena-formats-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func status(_ errors: Bool, _ duplicate: Bool) -> RowStatus { errors ? .invalid : (duplicate ? .skipped : .valid) }

        let general = try ReportWriter(path: dir + "/a", format: format)
        let p1 = ValidationPipeline(source: try CSVRecordSource(path: path, options: InputOptions()), options: o, hosting: nil,
                                    batchSize: 16)
        while let batch = try await p1.nextBatch() {
            try general.write(batch, statuses: batch.map { status($0.issues.hasErrors, $0.duplicateOf != nil) })
        }
        try general.close()
        let fromArena = try ReportWriter(path: dir + "/b", format: format)
        let p2 = ArenaValidationPipeline(source: try CSVRecordSource(path: path, options: InputOptions()), options: o,
                                         hosting: nil, batchSize: 16)
        while var batch = try await p2.nextBatch() {
            try fromArena.write(batch, statuses: batch.rows.map { status($0.hasErrors, $0.duplicateOf != 0) })
            p2.recycle(&batch)
        }
        try fromArena.close()
        let x = try Data(contentsOf: URL(fileURLWithPath: dir + "/a"))
        let y = try Data(contentsOf: URL(fileURLWithPath: dir + "/b"))
        #expect(x == y)
        #expect(x.count > 1000)
    }

    /// A spent arena filled again holds only the new rows (nothing of the old ones leaks).
    @Test func recycledArenaHoldsOnlyItsRows() throws {
        let path = try Self.write(Self.tricky(rows: 40))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let source = try CSVRecordSource(path: path, options: InputOptions())
        var arena = RowArena()
        #expect(try source.read(into: &arena, upTo: 30))
        #expect(arena.count == 30)
        let firstName = arena.text(.name, 0)
        arena.removeAll()
        #expect(!(try source.read(into: &arena, upTo: 30)))
        #expect(arena.count == 10)
        #expect(arena.rows[0].row == 31)
        #expect(arena.text(.name, 0) != firstName)
        #expect(arena.issues(0).isEmpty)
    }
}
