import Foundation
import Testing
import TestSupport

/// The `.xlsx` report and auth-links workbook (cli.md, Report), read back by openpyxl.
@Suite struct XLSXReportTests {
    static let sheetNames = ["To send", "Needs attention", "All rows"]
    static let attention: Set<String> = ["invalid", "failed", "skipped", "missing"]

    /// The layout every sheet of the report has: header frozen and bold, filters over every row,
    /// printing fitted to the page width.
    static func expectLayout(_ sheet: OpenpyxlDump.Sheet, columns: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let last = ["", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M"][columns]
        #expect(sheet.freeze == "A2", "\(sheet.name): header frozen", sourceLocation: sourceLocation)
        #expect(sheet.filter == "A1:\(last)\(sheet.rows.count)", "\(sheet.name): filters", sourceLocation: sourceLocation)
        #expect(sheet.bold.count == columns, "\(sheet.name): bold header", sourceLocation: sourceLocation)
        #expect(sheet.fitToWidth == 1 && sheet.fitToPage == true, sourceLocation: sourceLocation)
        #expect(sheet.widths.count == columns && sheet.widths.values.allSatisfy { $0 >= 8 && $0 <= 62 }, "\(sheet.widths)",
                sourceLocation: sourceLocation)
    }

    @Test(.enabled(if: OpenpyxlDump.available, "python3 with openpyxl (.build-venv) is not installed"))
    func importReportWorkbookHasTheThreeSheets() throws {
        // Two directories: the built-in emulator keeps its data in the working directory.
        let cli = try CLIRunner(), csvCLI = try CLIRunner()
        defer { cli.cleanUp(); csvCLI.cleanUp() }
        try cli.copySample("resources.csv")
        try csvCLI.copySample("resources.csv")
        let common = ["import", "resources.csv", "--emulator", "--hosting-check", "off", "--quiet"] + returnOptions
        let csvRun = try csvCLI.run(common + ["--report", "r.csv"])
        #expect(csvRun.status == 1, "\(csvRun)")
        let xlsxRun = try cli.run(common + ["--report", "r.xlsx"])
        #expect(xlsxRun.status == 1, "\(xlsxRun)")
        let csv = try csvCLI.table("r.csv")
        let book = try OpenpyxlDump.read(cli.path("r.xlsx"))
        #expect(book.sheets.map(\.name) == Self.sheetNames)
        let (toSend, needs, all) = (book.sheets[0], book.sheets[1], book.sheets[2])

        // All rows: the CSV report's columns and values (ids and links differ between the two runs),
        // the import report's `changes` column included.
        #expect(all.values(1) == csv.header)
        #expect(all.values(1) == reportColumns + ["changes"])
        #expect(all.rows.count == csv.rows.count + 1)
        for (i, row) in csv.rows.enumerated() {
            var got = all.values(i + 2), want = row
            for c in [3, 9] { got[c] = got[c].isEmpty ? "" : "x"; want[c] = want[c].isEmpty ? "" : "x" }
            #expect(got == want, "row \(i + 1)")
            #expect(all.rows[i + 1][0]?.t == "int" && all.rows[i + 1][1]?.t == "int")
            #expect(all.rows[i + 1][4].map { $0.t == "str" } ?? true, "names stay text")
        }
        Self.expectLayout(all, columns: 13)

        // To send: one clickable link per person with a link who has not authorized.
        let wanted = csv.rows.indices.filter { !(csv.cell($0, "authUrl") ?? "").isEmpty && csv.cell($0, "authorized") != "true" }
        #expect(!wanted.isEmpty)
        #expect(toSend.values(1) == ["Name", "E-mail", "Provider", "Link"])
        #expect(toSend.rows.count == wanted.count + 1)
        for (n, i) in wanted.enumerated() {
            let values = toSend.values(n + 2)
            let provider = csv.cell(i, "provider") ?? ""
            #expect(values[0] == csv.cell(i, "name") && values[1] == csv.cell(i, "email"))
            #expect(values[2] == (provider == "google" ? "Google" : "Outlook"))
            #expect(values[3] == (provider == "google" ? "Connect Google calendar" : "Connect Outlook calendar"))
            let target = try #require(toSend.links["D\(n + 2)"], "row \(n + 2) has a hyperlink")
            #expect(target.hasPrefix(provider == "google" ? "https://accounts.google.com/" : "https://login.microsoftonline.com/"))
            #expect(decoded(target).contains("login_hint=\(csv.cell(i, "email") ?? "")"), "\(target)")
        }
        #expect(toSend.links.count == wanted.count)
        Self.expectLayout(toSend, columns: 4)

        // Needs attention: the invalid, failed, skipped rows with their messages, wrapped.
        let troubled = csv.rows.indices.filter { Self.attention.contains(csv.cell($0, "status") ?? "") }
        #expect(!troubled.isEmpty)
        #expect(needs.values(1) == ["row", "line", "status", "name", "email", "message"])
        #expect(needs.rows.count == troubled.count + 1)
        for (n, i) in troubled.enumerated() {
            let values = needs.values(n + 2)
            #expect(values[0] == csv.rows[i][0] && values[2] == csv.cell(i, "status") && values[5] == csv.cell(i, "message"))
            #expect(!values[5].isEmpty && needs.wrap.contains("F\(n + 2)"))
            if values[5].utf16.count > 61 { #expect((needs.heights[String(n + 2)] ?? 0) >= 30, "a long message's row is tall enough to show it") }
        }
        Self.expectLayout(needs, columns: 6)
        var st = stat()
        #expect(stat(cli.path("r.xlsx"), &st) == 0 && st.st_mode & 0o777 == 0o600, "personal data: mode 0600")
    }

    /// The `/URI(…)` targets of a PDF's link annotations (LibreOffice writes them uncompressed).
    static func pdfLinks(_ pdf: [UInt8]) -> [String] {
        let marker = Array("/URI(".utf8)
        var links: [String] = []
        var i = 0
        while i + marker.count < pdf.count {
            guard Array(pdf[i..<(i + marker.count)]) == marker else { i += 1; continue }
            var j = i + marker.count, text: [UInt8] = []
            while j < pdf.count, pdf[j] != UInt8(ascii: ")") {
                if pdf[j] == UInt8(ascii: "\\"), j + 1 < pdf.count { j += 1 }
                text.append(pdf[j])
                j += 1
            }
            links.append(String(decoding: text, as: UTF8.self))
            i = j
        }
        return links
    }

    @Test(.enabled(if: OpenpyxlDump.available && LibreOffice.available, "openpyxl (.build-venv) or LibreOffice is not installed"))
    func printedToPDFEveryPersonToSendHasAClickableLink() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        try cli.copySample("resources.csv")
        let run = try cli.run(["import", "resources.csv", "--emulator", "--hosting-check", "off", "--quiet", "--report", "r.xlsx"]
                              + returnOptions)
        #expect(run.status == 1, "\(run)")
        let toSend = try OpenpyxlDump.read(cli.path("r.xlsx")).sheets[0]
        #expect(toSend.links.count >= 5)
        let pdf = try LibreOffice.convert(cli.path("r.xlsx"), to: "pdf", in: cli.directory)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: pdf)))
        let links = Self.pdfLinks(bytes)
        #expect(links.sorted() == toSend.links.values.sorted(), "one link annotation per person to send, with the full URL")
        // Landscape pages (fitted to the width): a MediaBox wider than tall.
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("/MediaBox[0 0 842 595]") || text.contains("/MediaBox[0 0 792 612]"), "landscape")
    }

    @Test(.enabled(if: OpenpyxlDump.available, "python3 with openpyxl (.build-venv) is not installed"))
    func validateTakesTheFormatFromTheOption() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        try cli.write("people.csv", "name,email,phone\n\"=HYPERLINK(\"\"http://x\"\")\",a@example.com,+1 555 0100\nBo,,\n")
        let run = try cli.run(["validate", "people.csv", "--report-format", "xlsx", "--hosting-check", "off", "--quiet",
                               "--map", "phone=customField1"])
        #expect(run.status == 1, "\(run)")
        let book = try OpenpyxlDump.read(cli.path("people.report.xlsx"))
        #expect(book.sheets.map(\.name) == Self.sheetNames)
        #expect(book.sheets[0].rows.count == 1, "nobody to send a link to before an import")
        let all = book.sheets[2]
        #expect(all.rows[1][4] == .init(v: "=HYPERLINK(\"http://x\")", t: "str"), "formula-shaped text stays inert text")
        #expect(all.values(2)[2] == "valid" && all.values(3)[2] == "invalid")
        #expect(book.sheets[1].values(2)[2] == "invalid")
    }

    @Test(.enabled(if: OpenpyxlDump.available, "python3 with openpyxl (.build-venv) is not installed"))
    func authLinksWorkbookLinksEveryoneStillToAuthorize() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let resources = try AuthLinksAndExportTests.seed(emulator)
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let result = try cli.run(["auth-links", "--out", "links.xlsx", "--rate", "100", "--quiet"] + returnOptions + emulator.apiArguments)
        #expect(result.status == 0, "\(result)")
        let book = try OpenpyxlDump.read(cli.path("links.xlsx"))
        #expect(book.sheets.map(\.name) == Self.sheetNames)
        let toSend = book.sheets[0]
        #expect(toSend.rows.count == 31, "40 calendars, 10 of them authorized")
        #expect(toSend.links.count == 30)
        let unauthorized = resources.filter { AuthLinksAndExportTests.calendar(of: $0).map { !$0.authorized } ?? false }
        #expect(Set((2...31).map { toSend.values($0)[1] }) == Set(unauthorized.map { $0["email"] as! String }))
        for r in 2...31 {
            let target = try #require(toSend.links["D\(r)"])
            let returnURL = toSend.values(r)[2] == "Google" ? googleReturn : outlookReturn
            #expect(decoded(target).contains("returnUrl=\(returnURL)"))
        }
        #expect(book.sheets[1].rows.count == 1 && book.sheets[2].rows.count == 31)
    }

    /// Beyond its first 1,000 rows (which set the column widths), **All rows** is written straight
    /// from the validated rows' bytes: every row must still equal the CSV report's, with text
    /// that needs escaping, spaces at its ends, other scripts, formula-shaped text, ids, both
    /// providers, invalid and skipped rows among them.
    @Test(.enabled(if: OpenpyxlDump.available, "python3 with openpyxl (.build-venv) is not installed"))
    func aLargeValidateWorkbookEqualsTheCSVReportRowForRow() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        var text = "id,name,email,googleCalendarId,outlookCalendarId\n"
        for i in 0..<2_600 {
            var name = "Person \(i)"
            switch i % 9 {
            case 1: name = "\"Tom & \"\"Jerry\"\" <x> \(i)\""
            case 2: name = "\"  Ann \(i)  \""
            case 3: name = "Chloé Ñandú 日本 \(i)"
            case 4: name = "=1+\(i)"
            case 5: name = "\"two\nlines \(i)\""
            default: break
            }
            if i % 50 == 49 { name = "" }
            let email = i % 97 == 5 ? "p\(i - 1)@example.com" : "p\(i)@example.com"
            let id = i % 23 == 7 ? "00\(i)" : ""
            let calendars = i % 19 == 6 ? ",p\(i)@example.com" : "p\(i)@example.com,"
            text += "\(id),\(name),\(email),\(calendars)\n"
        }
        try cli.write("people.csv", text)
        let common = ["validate", "people.csv", "--hosting-check", "off", "--quiet"] + returnOptions
        let csvRun = try cli.run(common + ["--report", "r.csv", "--errors", "e1.csv"])
        #expect(csvRun.status == 1, "\(csvRun)")
        let xlsxRun = try cli.run(common + ["--report", "r.xlsx", "--errors", "e2.csv"])
        #expect(xlsxRun.status == 1, "\(xlsxRun)")
        let csv = try cli.table("r.csv")
        let book = try OpenpyxlDump.read(cli.path("r.xlsx"))
        #expect(book.sheets.map(\.name) == Self.sheetNames)
        let all = book.sheets[2]
        #expect(all.values(1) == reportColumns)
        #expect(all.rows.count == csv.rows.count + 1)
        #expect(Set(csv.rows.map { $0[2] }) == ["valid", "invalid", "skipped"])
        for (i, row) in csv.rows.enumerated() {
            // The CSV report guards formula-shaped text with a `'`; the workbook keeps it as text.
            let want = row.map { $0.hasPrefix("'=") ? String($0.dropFirst()) : $0 }
            #expect(all.values(i + 2) == want, "row \(i + 1)")
            #expect(all.rows[i + 1][0]?.t == "int" && all.rows[i + 1][1]?.t == "int", "row \(i + 1)")
            #expect(all.rows[i + 1][3].map { $0.t == "str" } ?? true, "ids stay text")
        }
        let troubled = csv.rows.filter { Self.attention.contains($0[2]) }
        #expect(book.sheets[1].rows.count == troubled.count + 1)
        Self.expectLayout(all, columns: 12)
    }
}
