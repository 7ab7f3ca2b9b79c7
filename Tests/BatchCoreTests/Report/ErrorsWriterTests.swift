import Foundation
import TestSupport
import Testing
@testable import BatchCore
@testable import BatchInput
@testable import BatchJobs

@Suite struct ErrorsWriterTests {
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Reads `input` as the CLI does and writes every row with errors to the errors file.
    func roundTrip(_ input: [UInt8], name: String = "in.csv", dir: TempDir, message: (SourceRecord) -> String? = { _ in "name: is required" }) throws -> String {
        let path = try dir.write(name, input)
        let opened = try OpenedInput(path: path, options: InputOptions())
        let errors = opened.errorsWriter(path: dir.path("errors"))
        while let r = try opened.source.next() {
            if let m = message(r) { try errors.write(raw: r.raw, message: m) }
        }
        try errors.close()
        return dir.path("errors")
    }

    @Test func excelInputKeepsBOMDelimiterAndRecordBytes() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let row1 = "\"Ana; \"\"A\"\"\";ana@x.example;  spaced  "
        let row2 = ";ben@x.example;\"two\r\nlines\""
        let input = "\u{FEFF}Full Name;E-mail;Notes\r\n" + row1 + "\r\n" + row2 + "\r\n"
        let path = try roundTrip(Array(input.utf8), dir: dir) { r in r.row == 1 ? "x: a; b" : "name: is required" }
        let out = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(text(Array(out)) == "\u{FEFF}Full Name;E-mail;Notes;error\r\n" + row1 + ";\"x: a; b\"\r\n" + row2 + ";name: is required\r\n")
        #expect(try fileMode(path) == 0o600)
    }

    @Test func commaInputWithoutBOM() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = try roundTrip(Array("name,email\n,a@x.example\nB,b@x.example\n".utf8), dir: dir) { r in r.row == 1 ? "name: is required, really" : nil }
        #expect(text(try Array(Data(contentsOf: URL(fileURLWithPath: path)))) == "name,email,error\r\n,a@x.example,\"name: is required, really\"\r\n")
    }

    @Test func existingErrorColumnIsReplacedNotRepeated() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let input = "\u{FEFF}name;email;error;city\r\n;a@x.example;old message;Oslo\r\nB;b@x.example;\"old; two\";\r\n"
        let path = try roundTrip(Array(input.utf8), dir: dir) { r in "new \(r.row)" }
        #expect(text(try Array(Data(contentsOf: URL(fileURLWithPath: path)))) ==
            "\u{FEFF}name;email;error;city\r\n;a@x.example;new 1;Oslo\r\nB;b@x.example;new 2;\r\n")
    }

    @Test func errorsFileReadsBackWithTheSameMappingAndErrorIgnored() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = try roundTrip(Array("Full Name,Work Email\n,a@x.example\n".utf8), dir: dir)
        let reread = try CSVRecordSource(path: path, options: InputOptions())
        #expect(reread.mapping.fields == [.name, .email, nil])
        #expect(reread.unmappedColumns.isEmpty)
        let r = try #require(try reread.next())
        #expect(r.input[.email] == "a@x.example" && r.issues.isEmpty)
    }

    @Test func jsonlGetsAnErrorKey() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let input = #"{"email":"a@x.example"}"# + "\n" + #"  {  }"# + "\n" + #"{"name":"B","#  + "\n" + "[1]\n"
        let path = try roundTrip(Array(input.utf8), name: "in.jsonl", dir: dir) { r in "problem \"\(r.row)\"" }
        let lines = text(try Array(Data(contentsOf: URL(fileURLWithPath: path)))).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines == [
            #"{"error":"problem \"1\"","email":"a@x.example"}"#,
            #"{"error":"problem \"2\""  }"#,
            #"{"error":"problem \"3\"","name":"B","#,
            #"{"error":"problem \"4\"","line":"[1]"}"#,
            "",
        ])
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: String]
        #expect(first == ["error": "problem \"1\"", "email": "a@x.example"])
        let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: String]
        #expect(second == ["error": "problem \"2\""])
    }

    @Test func notCreatedWhenNoRowFails() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        _ = try roundTrip(Array("name,email\nA,a@x.example\n".utf8), dir: dir) { _ in nil }
        #expect(!dir.exists("errors"))
    }
}

@Suite struct ErrorsWriterShortRecordTests {
    @Test func shortRecordGetsItsErrorUnderTheErrorColumn() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        // Fewer fields than the header are fine to read; the error must still land in the error column.
        let path = try dir.write("in.csv", "name,email,city\nAna\n\"Ben, Jr.\",\n")
        let opened = try OpenedInput(path: path, options: InputOptions())
        let errors = opened.errorsWriter(path: dir.path("errors.csv"))
        while let r = try opened.source.next() { try errors.write(raw: r.raw, message: "email: is required") }
        try errors.close()
        let text = String(decoding: try dir.read("errors.csv"), as: UTF8.self)
        #expect(text == "name,email,city,error\r\nAna,,,email: is required\r\n\"Ben, Jr.\",,,email: is required\r\n")
        // Read back, the message is in the ignored error column, not in email.
        let reread = try CSVRecordSource(path: dir.path("errors.csv"), options: InputOptions())
        let first = try #require(try reread.next())
        #expect(first.input[.email] == nil && first.input[.name] == "Ana")
    }

    @Test func jsonlWithByteOrderMarkKeepsTheObjectShape() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = try dir.write("in.jsonl", [0xEF, 0xBB, 0xBF] + Array(#"{"email":"a@x.example"}"#.utf8) + [0x0A])
        let opened = try OpenedInput(path: path, options: InputOptions())
        let errors = opened.errorsWriter(path: dir.path("errors.jsonl"))
        let r = try #require(try opened.source.next())
        #expect(r.input[.email] == "a@x.example", "the BOM does not stop the line from being read")
        try errors.write(raw: r.raw, message: "name: is required")
        try errors.close()
        #expect(String(decoding: try dir.read("errors.jsonl"), as: UTF8.self) == #"{"error":"name: is required","email":"a@x.example"}"# + "\n")
    }
}
