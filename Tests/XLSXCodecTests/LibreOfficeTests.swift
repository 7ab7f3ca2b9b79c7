import Foundation
import Testing
import TestSupport
import XLSXCodec

/// Workbooks made by a real spreadsheet program: LibreOffice, headless, converting a CSV to
/// `.xlsx` (shared strings, its own styles, dates it recognised), read by our reader.
@Suite struct LibreOfficeTests {
    @Test(.enabled(if: LibreOffice.available, "LibreOffice (libreoffice-calc-nogui) is not installed"))
    func readsAWorkbookLibreOfficeMadeFromACSV() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var csv = "Full Name,Work Email,Phone,Start,Note\n"
        csv += "Chloé Dubois,chloe@example.com,15550100123,2024-03-01,\"two\nlines\"\n"
        csv += ",,,,\n"
        csv += "Ana Lima,ana@example.com,+1 555 0100,,1.5\n"
        for i in 1...500 { csv += "Person \(i),p\(i)@example.com,\(5_550_000 + i),,note \(i % 7)\n" }
        try Data(csv.utf8).write(to: dir.appendingPathComponent("staff.csv"))
        let path = try LibreOffice.convert(dir.appendingPathComponent("staff.csv").path, to: "xlsx", in: dir, inFilter: "CSV:44,34,76,1")

        let reader = try XLSXReader(path: path)
        #expect(reader.sheets.count == 1)
        let rows = try RawWorkbook.rows(path)
        #expect(rows.count == 503, "the empty row is skipped")
        #expect(rows[0].cells == ["Full Name", "Work Email", "Phone", "Start", "Note"])
        #expect(rows[1] == XLSXRow(number: 2, cells: ["Chloé Dubois", "chloe@example.com", "15550100123", "2024-03-01", "two\nlines"]))
        #expect(rows[2].number == 4 && rows[2].cells[0] == "Ana Lima" && rows[2].cells[2] == "+1 555 0100" && rows[2].cells[4] == "1.5")
        #expect(rows[502] == XLSXRow(number: 504, cells: ["Person 500", "p500@example.com", "5550500", "", "note \(500 % 7)"]))
    }
}
