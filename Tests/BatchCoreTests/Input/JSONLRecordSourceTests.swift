import TestSupport
import Testing
@testable import BatchCore
@testable import BatchInput

@Suite struct JSONLRecordSourceTests {
    func open(_ text: String, _ configure: (inout InputOptions) throws -> Void = { _ in }) throws -> (JSONLRecordSource, TempDir) {
        let dir = try TempDir()
        let path = try dir.write("in.jsonl", text)
        var options = InputOptions()
        try configure(&options)
        return (try JSONLRecordSource(path: path, options: options), dir)
    }

    @Test func flatShape() throws {
        let (source, dir) = try open(#"{"name":" Ana ","email":"ana@gmail.com","googleCalendarId":"ana@gmail.com","calendarAvailability":1,"city":"Oslo","customField2":"x"}"# + "\n")
        defer { dir.remove() }
        #expect(source.format == .jsonl)
        let r = try #require(try source.next())
        #expect(r.row == 1 && r.line == 1)
        #expect(r.issues.isEmpty)
        #expect(r.input[.name] == "Ana")
        #expect(r.input[.email] == "ana@gmail.com")
        #expect(r.input[.googleCalendarId] == "ana@gmail.com")
        #expect(r.input[.calendarAvailability] == "1")
        #expect(r.input[.city] == "Oslo")
        #expect(r.input[.customField2] == "x")
        #expect(try source.next() == nil)
    }

    @Test func nestedAPIShape() throws {
        let line = #"{"name":"Ben","email":"ben@x.example","options":{"outlookCalendarId":"ben@outlook.com","calendarAvailability":2,"ignoreBusinessHours":true,"hourly":12.5},"contact":{"businessPhone":"+1 555","mobilePhone":"+1 556"},"address":{"addressLine1":"1 Main St","city":"Austin","country":"US"},"customFields":{"field1":"B-1","field10":"Z"}}"#
        let (source, dir) = try open(line + "\n")
        defer { dir.remove() }
        let r = try #require(try source.next())
        #expect(r.issues.isEmpty)
        #expect(r.input[.outlookCalendarId] == "ben@outlook.com")
        #expect(r.input[.calendarAvailability] == "2")
        #expect(r.input[.ignoreBusinessHours] == "true")
        #expect(r.input[.hourly] == "12.5")
        #expect(r.input[.businessPhone] == "+1 555")
        #expect(r.input[.mobilePhone] == "+1 556")
        #expect(r.input[.addressLine1] == "1 Main St")
        #expect(r.input[.city] == "Austin")
        #expect(r.input[.country] == "US")
        #expect(r.input[.customField1] == "B-1")
        #expect(r.input[.customField10] == "Z")
        #expect(source.unmappedColumns.isEmpty)
    }

    @Test func serviceIdsArrayNumbersAndBooleans() throws {
        let (source, dir) = try open(#"{"name":"C","serviceIds":[1,"2",3],"sortKey":7,"ignoreBusinessHours":false,"groupId":42,"hourly":0}"# + "\n")
        defer { dir.remove() }
        let r = try #require(try source.next())
        #expect(r.input.serviceIds == ["1", "2", "3"])
        #expect(r.input[.sortKey] == "7")
        #expect(r.input[.ignoreBusinessHours] == "false")
        #expect(r.input[.groupId] == "42")
        #expect(r.input[.hourly] == "0")
    }

    @Test func serviceIdsAsTextAndBlank() throws {
        let (source, dir) = try open(#"{"name":"A","serviceIds":"4;5"}"# + "\n" + #"{"name":"B","serviceIds":""}"# + "\n" + #"{"name":"C","serviceIds":null}"# + "\n")
        defer { dir.remove() }
        let rows = try readAll(source)
        #expect(rows[0].input.serviceIds == ["4", "5"])
        #expect(rows[1].input.serviceIds == nil, "an empty string is 'not given', not an empty list (= every service)")
        #expect(rows[2].input.serviceIds == nil)
    }

    @Test func nullsAndBlankStringsAreNotGiven() throws {
        let (source, dir) = try open(#"{"name":"A","email":null,"city":"  ","options":null}"# + "\n")
        defer { dir.remove() }
        let r = try #require(try source.next())
        #expect(r.issues.isEmpty)
        #expect(r.input.givenFields == [.name])
        #expect(r.input.clearedFields.isEmpty, "a null e-mail cannot clear it: not given")
    }

    @Test func nullClearsATextField() throws {
        let (source, dir) = try open(#"{"name":"A","email":"a@x.example","description":null,"customFields":{"field3":null},"hourly":null}"# + "\n")
        defer { dir.remove() }
        let r = try #require(try source.next())
        #expect(r.input.givenFields == [.name, .email])
        #expect(r.input.clearedFields == [.description, .customField3])
    }

    @Test func brokenLineIsARowIssueAndReadingContinues() throws {
        let text = #"{"name":"A"}"# + "\n" + #"{"name":"B","#  + "\n" + #"{"name":"C"}"# + "\n"
        let (source, dir) = try open(text)
        defer { dir.remove() }
        let rows = try readAll(source)
        #expect(rows.count == 3)
        #expect(rows[1].row == 2 && rows[1].line == 2)
        #expect(rows[1].issues.count == 1)
        #expect(rows[1].issues[0].severity == .error)
        #expect(rows[1].issues[0].message.contains("line 2"))
        #expect(rows[1].raw == Array(#"{"name":"B","#.utf8))
        #expect(rows[2].input[.name] == "C" && rows[2].issues.isEmpty)
    }

    @Test func nonObjectLinesAreRowIssues() throws {
        let (source, dir) = try open("[1,2]\n\"text\"\n42\n")
        defer { dir.remove() }
        let rows = try readAll(source)
        #expect(rows.count == 3)
        for (i, r) in rows.enumerated() {
            #expect(r.issues.first?.message.contains("line \(i + 1)") == true)
            #expect(r.issues.hasErrors)
        }
    }

    @Test func deeplyNestedJSONIsARowIssueNotACrash() throws {
        let deep = String(repeating: "[", count: 100_000) + "\n"
        let deepObject = "{\"name\":" + String(repeating: "{\"a\":", count: 50_000) + "\n"
        let (source, dir) = try open(deep + deepObject + #"{"name":"ok"}"# + "\n")
        defer { dir.remove() }
        let rows = try readAll(source)
        #expect(rows.count == 3)
        #expect(rows[0].issues.first?.message.contains("nested deeper") == true)
        #expect(rows[1].issues.first?.message.contains("nested deeper") == true)
        #expect(rows[2].input[.name] == "ok")
    }

    @Test func bracketsInsideStringsDoNotCountAsNesting() throws {
        let name = String(repeating: "[", count: 100) + "\\\"" + String(repeating: "{", count: 100)
        let (source, dir) = try open("{\"name\":\"\(name)\"}\n")
        defer { dir.remove() }
        let r = try #require(try source.next())
        #expect(r.issues.isEmpty)
        #expect(r.input[.name]?.hasPrefix("[[[") == true)
    }

    @Test func invalidUTF8AndNULAreRowIssues() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let bytes = Array(#"{"name":"M"#.utf8) + [0xFC] + Array("\"}\n".utf8) + Array(#"{"name":"A"}"#.utf8) + [0] + [0x0A]
        let path = try dir.write("in.jsonl", bytes)
        let rows = try readAll(try JSONLRecordSource(path: path, options: InputOptions()))
        #expect(rows.count == 2)
        #expect(rows[0].issues.first?.message.contains("UTF-8") == true)
        #expect(rows[1].issues.first?.message.contains("NUL") == true)
    }

    @Test func blankLinesAreSkippedButCountForLineNumbers() throws {
        let (source, dir) = try open("\n" + #"{"name":"A"}"# + "\r\n   \n\t\n" + #"{"name":"B"}"#)
        defer { dir.remove() }
        let rows = try readAll(source)
        #expect(rows.count == 2)
        #expect(rows[0].row == 1 && rows[0].line == 2)
        #expect(rows[1].row == 2 && rows[1].line == 5)
        #expect(rows[1].input[.name] == "B", "a last line without a newline is read")
    }

    @Test func unknownKeysAreListedOnce() throws {
        let text = #"{"name":"A","badge":1,"object":"resource"}"# + "\n" + #"{"name":"B","badge":2,"shoeSize":44,"error":"x"}"# + "\n"
        let (source, dir) = try open(text)
        defer { dir.remove() }
        _ = try readAll(source)
        #expect(source.unmappedColumns.sorted() == ["badge", "shoeSize"])
        #expect(source.unmappedColumns.count == 2)
    }

    @Test func overridesApplyToKeys() throws {
        let (source, dir) = try open(#"{"Employee":"A","badge":"B-1","notes":"x"}"# + "\n") {
            try $0.overrides.add(inline: "Employee=name")
            try $0.overrides.add(inline: "badge=customField1")
            try $0.overrides.add(inline: "notes=")
        }
        defer { dir.remove() }
        let r = try #require(try source.next())
        #expect(r.input[.name] == "A" && r.input[.customField1] == "B-1")
        #expect(source.unmappedColumns.isEmpty)
    }

    @Test func wrongTypesAreRowIssuesNamingTheKey() throws {
        let (source, dir) = try open(#"{"name":["A"],"options":"x"}"# + "\n")
        defer { dir.remove() }
        let r = try #require(try source.next())
        #expect(Set(r.issues.compactMap(\.field)) == ["name", "options"])
        #expect(r.issues.hasErrors)
    }

    @Test func missingFileIsUnreadable() {
        #expect(throws: InputError.self) { _ = try JSONLRecordSource(path: "/nonexistent/x.jsonl", options: InputOptions()) }
    }
}

@Suite struct JSONLDeterminismTests {
    @Test func flatAddressStringIsAddressLine1() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = try dir.write("in.jsonl", #"{"name":"A","Address":"1 Main St"}"# + "\n")
        let r = try #require(try JSONLRecordSource(path: path, options: InputOptions()).next())
        #expect(r.issues.isEmpty, "a flat 'Address' column, as in the CSV, is a value, not a malformed object")
        #expect(r.input[.addressLine1] == "1 Main St")
    }

    @Test func flatKeyWinsOverNestedWhateverTheKeyOrder() throws {
        // Dictionary order varies with the keys and from run to run; many shapes make a lucky pass unlikely.
        var text = ""
        for i in 0..<40 {
            let extra = (0..<(i % 7)).map { #""k\#(i)_\#($0)":\#($0)"# }.joined(separator: ",")
            text += #"{"name":"N\#(i)","city":"flat","address":{"city":"nested"},"calendarAvailability":"1","options":{"calendarAvailability":"2"}\#(extra.isEmpty ? "" : "," + extra)}"# + "\n"
        }
        let dir = try TempDir()
        defer { dir.remove() }
        let source = try JSONLRecordSource(path: try dir.write("in.jsonl", text), options: InputOptions())
        for r in try readAll(source) {
            #expect(r.input[.city] == "flat")
            #expect(r.input[.calendarAvailability] == "1")
        }
    }

    @Test func unknownKeysOfOneLineAreListedInKeyOrder() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = try dir.write("in.jsonl", #"{"zeta":1,"name":"A","alpha":2,"mid":3,"options":{"beta":4}}"# + "\n" + #"{"name":"B","aaa":1}"# + "\n")
        let source = try JSONLRecordSource(path: path, options: InputOptions())
        _ = try readAll(source)
        #expect(source.unmappedColumns == ["beta", "alpha", "mid", "zeta", "aaa"])
    }
}
