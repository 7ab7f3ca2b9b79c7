import Foundation
import TestSupport
import CSVCodec
import Testing
@testable import BatchCore
@testable import BatchInput

@Suite struct CSVRecordSourceTests {
    func open(_ bytes: [UInt8], _ configure: (inout InputOptions) throws -> Void = { _ in }) throws -> (CSVRecordSource, TempDir) {
        let dir = try TempDir()
        let path = try dir.write("in.csv", bytes)
        var options = InputOptions()
        try configure(&options)
        return (try CSVRecordSource(path: path, options: options), dir)
    }

    @Test func excelFileWithBOMSemicolonsAndCRLF() throws {
        let text = "\u{FEFF}Full Name;Work E-mail;Phone\r\nZoë Ångström;zoe@acme.example;+47 1\r\n\"Smith; John\";john@acme.example;\r\n"
        let (source, dir) = try open(Array(text.utf8))
        defer { dir.remove() }
        #expect(source.delimiter == UInt8(ascii: ";"))
        #expect(source.hadBOM)
        #expect(source.format == .csv(delimiter: UInt8(ascii: ";")))
        #expect(source.mapping.fields == [.name, .email, .businessPhone])
        let rows = try readAll(source)
        #expect(rows.count == 2)
        #expect(rows[0].row == 1 && rows[0].line == 2)
        #expect(rows[0].input[.name] == "Zoë Ångström")
        #expect(rows[0].input[.email] == "zoe@acme.example")
        #expect(rows[0].input[.businessPhone] == "+47 1")
        #expect(rows[1].row == 2 && rows[1].line == 3)
        #expect(rows[1].input[.name] == "Smith; John")
        #expect(rows[1].input[.businessPhone] == nil)
        #expect(rows.allSatisfy { $0.issues.isEmpty })
    }

    @Test func blankCellsAreNilAndCellsAreTrimmed() throws {
        let (source, dir) = try open(Array("name,email,city,country\n  Ana  ,\tana@x.example\t,   ,\n".utf8))
        defer { dir.remove() }
        let r = try #require(try source.next())
        #expect(r.input[.name] == "Ana")
        #expect(r.input[.email] == "ana@x.example")
        #expect(r.input[.city] == nil)
        #expect(r.input[.country] == nil)
        #expect(r.input.givenFields == [.name, .email])
    }

    @Test func serviceIdsAreSplitOnSemicolonsAndCommas() throws {
        let (source, dir) = try open(Array("name,serviceIds\nA,\"1; 2,3 ;;\"\nB,\nC,7\n".utf8))
        defer { dir.remove() }
        let rows = try readAll(source)
        #expect(rows[0].input.serviceIds == ["1", "2", "3"])
        #expect(rows[1].input.serviceIds == nil, "a blank cell gives no list: it must not mean 'every service'")
        #expect(rows[2].input.serviceIds == ["7"])
    }

    @Test func separatorOnlyServiceIdsCellIsNotGiven() throws {
        let (source, dir) = try open(Array("name,serviceIds\nA,\" ; \"\n".utf8))
        defer { dir.remove() }
        let r = try #require(try source.next())
        #expect(r.input.serviceIds == nil, "a cell of separators only is blank, not an empty list (= every service)")
    }

    @Test func extraFieldsAreARowIssueFewerFieldsAreFine() throws {
        let (source, dir) = try open(Array("name,email\nA,a@x.example,oops\nB\nC,c@x.example,,\n".utf8))
        defer { dir.remove() }
        let rows = try readAll(source)
        #expect(rows.count == 3)
        #expect(rows[0].issues.count == 1)
        #expect(rows[0].issues.first?.severity == .error)
        #expect(rows[0].issues.first?.message.contains("3 fields but the header has 2") == true)
        #expect(rows[1].issues.isEmpty)
        #expect(rows[1].input[.name] == "B" && rows[1].input[.email] == nil)
        #expect(rows[2].issues.isEmpty, "empty trailing fields are harmless")
    }

    @Test func rawBytesAreTheRecordExactlyWithoutItsLineEnd() throws {
        let rec2 = "\"Ana \"\"A\"\" Lima\";ana@x.example;\"two\r\nlines\""
        let text = "\u{FEFF}name;email;description\r\nBen;ben@x.example;  spaced  \r\n" + rec2 + "\r\n"
        let (source, dir) = try open(Array(text.utf8))
        defer { dir.remove() }
        let rows = try readAll(source)
        #expect(rows[0].raw == Array("Ben;ben@x.example;  spaced  ".utf8))
        #expect(rows[1].raw == Array(rec2.utf8))
        #expect(rows[1].line == 3)
        #expect(rows[1].input[.description] == "two\r\nlines")
    }

    @Test func keepRawOffLeavesRawNil() throws {
        let (source, dir) = try open(Array("name\nA\n".utf8)) { $0.keepRaw = false }
        defer { dir.remove() }
        #expect(try source.next()?.raw == nil)
    }

    @Test func invalidUTF8IsAnInputErrorNamingLineAndColumnAndSuggestingEncoding() throws {
        let bytes = Array("name,city\nAna,Oslo\nBen,M".utf8) + [0xFC] + Array("nchen\n".utf8)
        let (source, dir) = try open(bytes)
        defer { dir.remove() }
        #expect(try source.next()?.input[.city] == "Oslo")
        #expect {
            _ = try source.next()
        } throws: { error in
            guard let e = error as? InputError, case let .malformed(_, line, column, _) = e else { return false }
            return line == 3 && column != nil && e.description.contains("line 3") && e.description.contains("Latin-1")
        }
    }

    @Test func latin1OptionTranscodes() throws {
        let bytes = Array("name,city\nAna,M".utf8) + [0xFC] + Array("nchen\n".utf8)
        let (source, dir) = try open(bytes) { $0.encoding = .latin1 }
        defer { dir.remove() }
        let r = try #require(try source.next())
        #expect(r.input[.city] == "München")
    }

    @Test func headerOnlyGivesZeroRows() throws {
        let (source, dir) = try open(Array("name,email\r\n".utf8))
        defer { dir.remove() }
        #expect(try source.next() == nil)
    }

    @Test func emptyFileIsAnInputError() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = try dir.write("empty.csv", [])
        #expect(throws: InputError.emptyFile(path: path)) { _ = try CSVRecordSource(path: path, options: InputOptions()) }
    }

    @Test func missingFileIsUnreadable() throws {
        #expect {
            _ = try CSVRecordSource(path: "/nonexistent/people.csv", options: InputOptions())
        } throws: { error in
            guard case let .unreadable(path, _)? = error as? InputError else { return false }
            return path == "/nonexistent/people.csv"
        }
    }

    @Test func explicitDelimiterAndMappingOverrides() throws {
        let (source, dir) = try open(Array("Employee|Work Email|Badge\nA|a@x.example|7\n".utf8)) {
            $0.delimiter = UInt8(ascii: "|")
            try $0.overrides.add(inline: "Employee=name")
        }
        defer { dir.remove() }
        #expect(source.unmappedColumns == ["Badge"])
        let r = try #require(try source.next())
        #expect(r.input[.name] == "A" && r.input[.email] == "a@x.example")
    }

    @Test func mappingProblemsSurfaceWhenOpening() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = try dir.write("in.csv", "Employee,email\nA,a@x.example\n")
        #expect(throws: InputError.missingColumn(field: "name", headers: ["Employee", "email"])) {
            _ = try CSVRecordSource(path: path, options: InputOptions())
        }
    }
}

@Suite struct CellTextTrimTests {
    /// The byte-level trim removes exactly what `trimmingCharacters(in: .whitespacesAndNewlines)` did.
    @Test(arguments: ["", " ", "a", " a ", "\t a\r\n", "\u{00A0}x\u{2003}", "x\u{0085}", "\u{000B}\u{000C}y",
                      "é ", " e\u{0301} ", "a b", "\u{3000}全角\u{3000}", "\u{200B}z"])
    func matchesFoundation(text: String) {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(CellText.trimmed(text) == (t.isEmpty ? nil : t))
    }
}
