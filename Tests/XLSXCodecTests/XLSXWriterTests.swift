import Foundation
import Testing
import TestSupport
import XLSXCodec

/// Workbooks written here, read back by openpyxl: sheets, values and their types, links, frozen
/// header, filters, widths, print setup.
@Suite struct XLSXWriterTests {
    @Test(.enabled(if: OpenpyxlDump.available, "python3 with openpyxl (.build-venv) is not installed"))
    func openpyxlReadsSheetsCellsAndLayout() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("book.xlsx").path
        let writer = try XLSXWriter(path: path)
        try writer.beginSheet("People", options: XLSXSheetOptions(columnWidths: [10, 30, 12.5]))
        try writer.appendRow([.text("name", .bold), .text("phone", .bold), .text("link", .bold)])
        try writer.appendRow([.text("Chloé"), .text("+1 555 0100"), .link(display: "Connect Google calendar", url: "https://accounts.google.com/o?a=1&b=2")])
        try writer.appendRow([.text("00123"), .text("=SUM(A1:A2)"), .number(42)])
        try writer.appendRow([.text("  a <b> & \"c\"\r\nline\u{0}\u{1}\u{B}end\u{FFFE}  "), .empty, .text("1.5E+10", .wrapped)])
        try writer.endSheet()
        try writer.beginSheet("Second 'one' x", options: XLSXSheetOptions(freezeHeaderRow: false, autoFilter: false, fitToWidth: false))
        try writer.appendRow([.number(-7), .text("")])
        try writer.endSheet()
        try writer.close()

        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)

        let book = try OpenpyxlDump.read(path)
        #expect(book.sheets.map(\.name) == ["People", "Second 'one' x"])
        let people = book.sheets[0]
        #expect(people.values(1) == ["name", "phone", "link"])
        #expect(people.rows[1] == [.init(v: "Chloé", t: "str"), .init(v: "+1 555 0100", t: "str"), .init(v: "Connect Google calendar", t: "str")])
        #expect(people.rows[2] == [.init(v: "00123", t: "str"), .init(v: "=SUM(A1:A2)", t: "str"), .init(v: "42", t: "int")])
        #expect(people.values(4) == ["  a <b> & \"c\"\r\nlineend  ", "", "1.5E+10"])
        #expect(people.rows[3][2]?.t == "str")
        #expect(people.links == ["C2": "https://accounts.google.com/o?a=1&b=2"])
        #expect(people.freeze == "A2")
        #expect(people.filter == "A1:C4")
        #expect(people.widths["A"] == 10 && people.widths["B"] == 30 && people.widths["C"] == 12.5)
        #expect(people.fitToWidth == 1 && people.fitToPage == true)
        #expect(people.bold == ["A1", "B1", "C1"])
        #expect(people.wrap == ["C4"])
        #expect(people.heights.isEmpty, "a short wrapped text keeps the row's height")

        let second = book.sheets[1]
        #expect(second.rows[0][0] == .init(v: "-7", t: "int"))
        #expect(second.freeze == nil && second.filter == nil && second.links.isEmpty)
    }

    @Test(.enabled(if: OpenpyxlDump.available, "python3 with openpyxl (.build-venv) is not installed"))
    func manyRowsAndLinksStream() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("many.xlsx").path
        let writer = try XLSXWriter(path: path)
        try writer.beginSheet("All rows")
        try writer.appendRow([.text("n"), .text("link")])
        for i in 1...6_000 {
            try writer.appendRow([.number(i), .link(display: "open \(i)", url: "https://example.com/\(i)?x=\(i * 31)")])
        }
        try writer.close()
        let book = try OpenpyxlDump.read(path)
        let sheet = book.sheets[0]
        #expect(sheet.rows.count == 6_001)
        #expect(sheet.values(6_001) == ["6000", "open 6000"])
        #expect(sheet.links.count == 6_000)
        #expect(sheet.links["B4322"] == "https://example.com/4321?x=\(4321 * 31)")
        #expect(sheet.filter == "A1:B6001")
    }

    @Test(.enabled(if: OpenpyxlDump.available, "python3 with openpyxl (.build-venv) is not installed"))
    func aFullSheetContinuesInTheNextTab() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("full.xlsx").path
        var bytes: [UInt8] = []
        let writer = XLSXWriter(output: { bytes += $0 }, rowLimit: 3)
        let header: [XLSXCell] = [.text("n", .bold)]
        try writer.beginSheet("All rows", position: 10)
        try writer.appendRow(header)
        for i in 1...5 { try writer.appendRow([.number(i)], continuingWith: header) }
        try writer.endSheet()
        try writer.beginSheet("First", position: 0)
        try writer.appendRow([.text("a")])
        try writer.appendRow([.text("b")])
        try writer.appendRow([.text("c")])
        #expect(throws: XLSXError.self) { try writer.appendRow([.text("d")]) }
        try writer.close()
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let book = try OpenpyxlDump.read(path)
        #expect(book.sheets.map(\.name) == ["First", "All rows", "All rows (2)", "All rows (3)"])
        #expect(book.sheets[1].rows.map { $0.map { $0?.v ?? "" } } == [["n"], ["1"], ["2"]])
        #expect(book.sheets[2].rows.map { $0.map { $0?.v ?? "" } } == [["n"], ["3"], ["4"]])
        #expect(book.sheets[3].rows.map { $0.map { $0?.v ?? "" } } == [["n"], ["5"]])
        #expect(book.sheets[3].freeze == "A2" && book.sheets[3].filter == "A1:A2")
    }

    @Test func badSheetNamesAreRefused() throws {
        let writer = XLSXWriter { _ in }
        for name in ["", "a/b", "x[1]", String(repeating: "n", count: 32), "'quoted'"] {
            #expect(throws: XLSXError.self) { try writer.beginSheet(name) }
        }
        try writer.beginSheet("Sheet1")
        try writer.endSheet()
        #expect(throws: XLSXError.self) { try writer.beginSheet("SHEET1") }
    }

    @Test func columnNames() {
        #expect(XLSXWriter.columnName(0) == "A")
        #expect(XLSXWriter.columnName(25) == "Z")
        #expect(XLSXWriter.columnName(26) == "AA")
        #expect(XLSXWriter.columnName(701) == "ZZ")
        #expect(XLSXWriter.columnName(702) == "AAA")
    }
}
