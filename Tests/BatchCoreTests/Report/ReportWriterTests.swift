import Foundation
import TestSupport
import Testing
@testable import BatchCore
@testable import BatchInput
@testable import BatchJobs
@testable import BatchReport
@testable import BatchSync

func fileMode(_ path: String) throws -> Int {
    let attrs = try FileManager.default.attributesOfItem(atPath: path)
    return (attrs[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

@Suite struct ReportWriterTests {
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func csvColumnsAreExactlyTheContract() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let w = try ReportWriter(path: dir.path("r.csv"), format: .csv)
        try w.write(ReportRow(row: 1, line: 2, status: .valid, name: "Ana", email: "ana@gmail.com", provider: .google,
                              calendarId: "ana@gmail.com", calendarAvailability: 1))
        try w.write(ReportRow(row: 2, line: 4, status: .invalid, name: "Ben, Jr.", email: "b@@x", message: "email: 'b@@x' has more than one @; warning: x"))
        try w.close()
        #expect(w.rowsWritten == 2)
        #expect(text(try dir.read("r.csv")) ==
            "row,line,status,id,name,email,provider,calendarId,calendarAvailability,authUrl,authorized,message\r\n"
            + "1,2,valid,,Ana,ana@gmail.com,google,ana@gmail.com,1,,,\r\n"
            + "2,4,invalid,,\"Ben, Jr.\",b@@x,,,,,,email: 'b@@x' has more than one @; warning: x\r\n")
        #expect(ReportRow.columns.joined(separator: ",") == "row,line,status,id,name,email,provider,calendarId,calendarAvailability,authUrl,authorized,message")
    }

    @Test func formulaGuardOnUserValuesOnly() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let w = try ReportWriter(path: dir.path("r.csv"), format: .csv)
        try w.write(ReportRow(row: 1, line: 2, status: .invalid, id: "-1", name: "=cmd|' /C calc'!A0", email: "+1@x.example",
                              calendarId: "@x", calendarAvailability: 0, authUrl: "\thttps://x", authorized: false, message: "-bad"))
        try w.write(ReportRow(row: 2, line: 3, status: .valid, name: "\rName", email: "ok@x.example"))
        try w.close()
        let lines = text(try dir.read("r.csv")).components(separatedBy: "\r\n")
        #expect(lines[1] == "1,2,invalid,'-1,'=cmd|' /C calc'!A0,'+1@x.example,,'@x,0,'\thttps://x,false,'-bad")
        #expect(lines[2].hasPrefix("2,3,valid,,\"'\rName\",ok@x.example"))
    }

    @Test func numericColumnsAreNeverGuarded() {
        // row, line and calendarAvailability are the tool's own values.
        #expect(ReportRow.ownValueColumns.isSuperset(of: [0, 1, 8]))
        for i in [3, 4, 5, 7, 9, 11] { #expect(!ReportRow.ownValueColumns.contains(i), "column \(ReportRow.columns[i]) holds input text") }
    }

    @Test func excelAddsABOMOnce() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let w = try ReportWriter(path: dir.path("r.csv"), format: .csv, excel: true)
        try w.write(ReportRow(row: 1, line: 2, status: .valid, name: "Zoë"))
        try w.close()
        let bytes = try dir.read("r.csv")
        #expect(Array(bytes.prefix(4)) == [0xEF, 0xBB, 0xBF, UInt8(ascii: "r")])
        #expect(!bytes.dropFirst(3).starts(with: [0xEF, 0xBB, 0xBF]))
        let plain = try ReportWriter(path: dir.path("p.csv"), format: .csv)
        try plain.close()
        #expect(try dir.read("p.csv").first == UInt8(ascii: "r"))
    }

    @Test func jsonlShape() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let w = try ReportWriter(path: dir.path("r.jsonl"), format: .jsonl, excel: true)
        try w.write(ReportRow(row: 1, line: 2, status: .valid, name: "A \"q\"\n", email: "a@gmail.com", provider: .google,
                              calendarId: "a@gmail.com", calendarAvailability: 1, authorized: true))
        try w.write(ReportRow(row: 2, line: 3, status: .skipped, message: "=x"))
        try w.close()
        let t = text(try dir.read("r.jsonl"))
        let lines = t.split(separator: "\n").map(String.init)
        #expect(t.hasSuffix("\n") && lines.count == 2)
        #expect(lines[0] == #"{"row":1,"line":2,"status":"valid","id":null,"name":"A \"q\"\n","email":"a@gmail.com","provider":"google","calendarId":"a@gmail.com","calendarAvailability":1,"authUrl":null,"authorized":true,"message":""}"#)
        #expect(lines[1] == #"{"row":2,"line":3,"status":"skipped","id":null,"name":null,"email":null,"provider":null,"calendarId":null,"calendarAvailability":null,"authUrl":null,"authorized":null,"message":"=x"}"#)
        for line in lines {
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(obj?.keys.sorted() == ReportRow.columns.sorted())
        }
    }

    @Test(arguments: [ReportFormat.csv, .jsonl])
    func fileModeIs0600EvenWhenItExisted(format: ReportFormat) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let fresh = dir.path("fresh")
        try ReportWriter(path: fresh, format: format).close()
        #expect(try fileMode(fresh) == 0o600)
        let old = try dir.write("old", "previous report")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: old)
        try ReportWriter(path: old, format: format).close()
        #expect(try fileMode(old) == 0o600)
        #expect(!text(try dir.read("old")).contains("previous"), "truncated")
    }

    @Test func unwritablePathIsAnErrorSayingWrite() {
        #expect {
            _ = try ReportWriter(path: "/nonexistent/dir/r.csv", format: .csv)
        } throws: { error in
            let text = (error as? InputError)?.description ?? ""
            return text.hasPrefix("cannot write /nonexistent/dir/r.csv: ") && !text.contains("cannot read")
        }
    }

    @Test func manyRowsAreAllFlushed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let w = try ReportWriter(path: dir.path("r.csv"), format: .csv)
        for i in 1...5000 { try w.write(ReportRow(row: i, line: i + 1, status: .valid, name: "Name \(i)", email: "n\(i)@x.example")) }
        try w.close()
        let lines = text(try dir.read("r.csv")).components(separatedBy: "\r\n")
        #expect(lines.count == 5002)
        #expect(lines[5000] == "5000,5001,valid,,Name 5000,n5000@x.example,,,,,,")
    }

    @Test func reportPathsReplaceTheExtension() {
        #expect(ReportPaths.report(forInput: "dir/people.csv", format: .csv) == "dir/people.report.csv")
        #expect(ReportPaths.report(forInput: "people.jsonl", format: .jsonl) == "people.report.jsonl")
        #expect(ReportPaths.report(forInput: "-", format: .csv) == "stdin.report.csv")
        #expect(ReportPaths.report(forInput: "v1.2/people", format: .csv) == "v1.2/people.report.csv")
        #expect(ReportPaths.errors(forInput: "people.csv", format: .csv(delimiter: nil)) == "people.errors.csv")
        #expect(ReportPaths.errors(forInput: "people.jsonl", format: .jsonl) == "people.errors.jsonl")
    }

    @Test func reportRowFromValidatedRow() {
        var v = validator()
        let validated = v.validate(record([.name: "A", .email: "A@Gmail.com", .googleCalendarId: "a@gmail.com", .calendarAvailability: "google"], row: 3, line: 7))
        let r = ReportRow(validated, status: .valid)
        #expect(r == ReportRow(row: 3, line: 7, status: .valid, name: "A", email: "A@Gmail.com", provider: .google,
                               calendarId: "a@gmail.com", calendarAvailability: 1, message: ""))
    }
}
