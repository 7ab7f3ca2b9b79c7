import Foundation
import Testing
import TestSupport
import XLSXCodec

/// Workbooks made by a real spreadsheet program: LibreOffice, headless, converting a CSV to
/// `.xlsx` (shared strings, its own styles, dates it recognised), read by our reader. Skipped
/// without LibreOffice (`libreoffice-calc-nogui`), except under `CI=true`, where `.ci/run` installs it.
@Suite struct LibreOfficeTests {
    static let soffice: String? = ["/usr/bin/soffice", "/usr/local/bin/soffice", "/usr/lib/libreoffice/program/soffice"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let available = soffice != nil || OpenpyxlDump.inCI

    /// Converts `file` in `dir` to `format` with LibreOffice, in a profile of its own (so parallel runs do not meet).
    static func convert(_ file: String, in dir: URL, to format: String) throws -> String {
        let soffice = try #require(soffice, "LibreOffice (soffice) is required under CI=true")
        let profile = dir.appendingPathComponent("lo-profile").absoluteString
        let run = try ChildProcess.run(soffice, ["-env:UserInstallation=\(profile)", "--headless", "--norestore",
                                                 "--infilter=CSV:44,34,76,1", "--convert-to", format, "--outdir", dir.path,
                                                 dir.appendingPathComponent(file).path],
                                       environment: ["HOME": dir.path, "PATH": "/usr/bin:/bin"], timeout: 180)
        let out = dir.appendingPathComponent((file as NSString).deletingPathExtension + "." + format.split(separator: ":")[0]).path
        #expect(run.status == 0 && FileManager.default.fileExists(atPath: out), "soffice: \(run.stdoutText) \(run.stderrText)")
        return out
    }

    @Test(.enabled(if: available, "LibreOffice (libreoffice-calc-nogui) is not installed"))
    func readsAWorkbookLibreOfficeMadeFromACSV() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var csv = "Full Name,Work Email,Phone,Start,Note\n"
        csv += "Chloé Dubois,chloe@example.com,15550100123,2024-03-01,\"two\nlines\"\n"
        csv += ",,,,\n"
        csv += "Ana Lima,ana@example.com,+1 555 0100,,1.5\n"
        for i in 1...500 { csv += "Person \(i),p\(i)@example.com,\(5_550_000 + i),,note \(i % 7)\n" }
        try Data(csv.utf8).write(to: dir.appendingPathComponent("staff.csv"))
        let path = try Self.convert("staff.csv", in: dir, to: "xlsx")

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
