import Foundation
import Testing
import TestSupport
import XLSXCodec

/// The reader: what our writer and openpyxl write, read back as the cells show.
@Suite struct XLSXReaderTests {
    @Test func readsBackWhatTheWriterWrote() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("w.xlsx").path
        let writer = try XLSXWriter(path: path)
        try writer.beginSheet("First")
        try writer.appendRow([.text("name"), .text("phone"), .text("n")])
        var expected: [XLSXRow] = [XLSXRow(number: 1, cells: ["name", "phone", "n"])]
        for i in 1...3_000 {
            let name = i % 7 == 0 ? "Chloé <&> \"\(i)\"\r\nx" : "person \(i)"
            try writer.appendRow([.text(name), .text("+1 555 \(i)"), .number(i * 1_000_003)])
            expected.append(XLSXRow(number: i + 1, cells: [name, "+1 555 \(i)", String(i * 1_000_003)]))
        }
        try writer.appendRow([])
        try writer.appendRow([.empty, .link(display: "go", url: "https://x.example/?a=1&b=2"), .text("00123")])
        expected.append(XLSXRow(number: 3_003, cells: ["", "go", "00123"]))
        try writer.endSheet()
        try writer.beginSheet("Second sheet")
        try writer.appendRow([.text("only")])
        try writer.close()

        let rows = try RawWorkbook.rows(path)
        #expect(rows.count == expected.count)
        #expect(rows == expected)
        #expect(try RawWorkbook.rows(path, sheet: "second SHEET") == [XLSXRow(number: 1, cells: ["only"])])
        #expect(throws: XLSXError("", "no sheet named 'Third' (the sheets are 'First', 'Second sheet')")) {
            try XLSXReader(path: path).sheet(named: "Third")
        }
    }

    @Test func numbersDatesAndSharedStringsAsTheCellShowsThem() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let strings = #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>plain</t></si><si><r><t>rich </t></r><r><rPr><b/></rPr><t>text</t></r><rPh><t>ふりがな</t></rPh></si></sst>"#
        let styles = #"<styleSheet><numFmts><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/><numFmt numFmtId="165" formatCode="&quot;Day&quot; 0"/></numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="22"/></cellXfs></styleSheet>"#
        let sheet = RawWorkbook.sheetXML("""
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>
            <row r="3"><c r="A3"><v>1.5E+10</v></c><c r="B3"><v>123.0</v></c><c r="C3"><v>0.30000000000000004</v></c><c r="D3"><v>-2.5E-3</v></c></row>
            <row r="4"><c r="A4" s="1"><v>45352</v></c><c r="B4" s="2"><v>45352</v></c><c r="C4" s="3"><v>7</v></c><c r="E4" s="4"><v>45352.354166666664</v></c></row>
            <row r="5"><c r="A5" t="b"><v>1</v></c><c r="B5" t="e"><v>#N/A</v></c><c r="C5" t="str"><f>A1</f><v>plain</v></c><c><v>1</v></c></row>
            <row r="6"><c r="A6" t="inlineStr"><is><t>   </t></is></c></row>
            """)
        let path = try RawWorkbook.write(try RawWorkbook.bytes(sheet: sheet, sharedStrings: strings, styles: styles), in: dir)
        let rows = try RawWorkbook.rows(path)
        #expect(rows == [
            XLSXRow(number: 1, cells: ["plain", "rich text"]),
            XLSXRow(number: 3, cells: ["15000000000", "123", "0.3", "-0.0025"]),
            XLSXRow(number: 4, cells: ["2024-03-01", "2024-03-01", "7", "", "2024-03-01T08:30:00"]),
            XLSXRow(number: 5, cells: ["TRUE", "#N/A", "plain", "1"]),
        ])
    }

    @Test func numberText() {
        #expect(XLSXNumberText.display("15550100123") == "15550100123")
        #expect(XLSXNumberText.display("1.23456789012E+20") == "123456789012000000000")
        #expect(XLSXNumberText.display("1E-7") == "0.0000001")
        #expect(XLSXNumberText.display("-0") == "0")
        #expect(XLSXNumberText.display("abc") == nil)
        #expect(XLSXNumberText.isoDate("1", date1904: false) == "1900-01-01")
        #expect(XLSXNumberText.isoDate("61", date1904: false) == "1900-03-01")
        #expect(XLSXNumberText.isoDate("0", date1904: true) == "1904-01-01")
        #expect(XLSXNumberText.isDateFormat(id: 0, code: nil) == false)
        #expect(XLSXNumberText.isDateFormat(id: 170, code: "[Red]0.00") == false)
        #expect(XLSXNumberText.isDateFormat(id: 170, code: "[$-409]d-mmm-yy") == true)
    }

    @Test(.enabled(if: OpenpyxlDump.available, "python3 with openpyxl (.build-venv) is not installed"))
    func readsAWorkbookOpenpyxlWrote() throws {
        let python = try #require(OpenpyxlDump.python, "python3 with openpyxl is required under CI=true")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("py.xlsx").path
        let script = #"""
import openpyxl, datetime, sys
wb = openpyxl.Workbook()
hidden = wb.active
hidden.title = "Hidden"
hidden.sheet_state = "hidden"
ws = wb.create_sheet("Staff list")
ws.append(["Full Name", "Phone", "Badge", "Start", "Note"])
ws.append(["Chloé Dubois", 15550100123, 123, datetime.date(2024, 3, 1), "x" * 5000])
ws.append([])
ws.append(["Ana", "+1 555 0100", "00123", datetime.datetime(2024, 3, 1, 8, 30), "=not a formula"])
ws["E4"].data_type = "s"
for i in range(5, 2005):
    ws.append(["Person %d" % i, i * 7, i, None, "note %d" % (i % 13)])
wb.save(sys.argv[1])
"""#
        let run = try ChildProcess.run(python, ["-c", script, path], timeout: 120)
        #expect(run.status == 0, "\(run.stderrText)")
        let rows = try RawWorkbook.rows(path)
        #expect(rows.count == 2_003)
        #expect(rows[0] == XLSXRow(number: 1, cells: ["Full Name", "Phone", "Badge", "Start", "Note"]))
        #expect(rows[1] == XLSXRow(number: 2, cells: ["Chloé Dubois", "15550100123", "123", "2024-03-01", String(repeating: "x", count: 5000)]))
        #expect(rows[2] == XLSXRow(number: 4, cells: ["Ana", "+1 555 0100", "00123", "2024-03-01T08:30:00", "=not a formula"]))
        #expect(rows[2002] == XLSXRow(number: 2004, cells: ["Person 2004", String(2004 * 7), "2004", "", "note \(2004 % 13)"]))
        #expect(try XLSXReader(path: path).sheet(named: nil).name == "Staff list", "the first visible sheet")
    }
}
