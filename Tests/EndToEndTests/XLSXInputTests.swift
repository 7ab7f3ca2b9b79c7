import Foundation
import Testing
import TestSupport

/// `.xlsx` inputs of validate and import: a workbook written by openpyxl (not by us), its rows
/// named by their sheet row, its errors file a CSV that validates again; a damaged workbook
/// stops the import before anything is sent.
@Suite struct XLSXInputTests {
    static let script = #"""
import openpyxl, datetime, sys
wb = openpyxl.Workbook()
cover = wb.active
cover.title = "Read me"
cover.append(["This sheet is not the data"])
ws = wb.create_sheet("Staff")
ws.append(["Full Name", "Work Email", "Phone", "Badge", "Start"])
ws.append(["Chloé Dubois", "chloe@example.com", 15550100123, 123, datetime.date(2024, 3, 1)])
ws.append([])
ws.append(["Ana Lima", "ana@example.com", "+1 555 0100", "00123", None])
ws.append([None, "nobody@example.com", None, None, None])
for i in range(int(sys.argv[2])):
    ws.append(["Person %d" % i, "p%d@example.com" % i, 5550000 + i, i, None])
wb.save(sys.argv[1])
"""#
    static let maps = ["--map", "Phone=businessPhone", "--map", "Badge=customField1", "--map", "Start=customField2"]

    func makeWorkbook(_ cli: CLIRunner, _ name: String, extraRows: Int = 0) throws {
        let python = try #require(OpenpyxlDump.python, "python3 with openpyxl is required under CI=true")
        let run = try ChildProcess.run(python, ["-c", Self.script, cli.path(name), String(extraRows)], timeout: 120)
        #expect(run.status == 0, "\(run.stderrText)")
    }

    @Test(.enabled(if: OpenpyxlDump.available, "python3 with openpyxl (.build-venv) is not installed"))
    func validateReadsTheNamedSheetAsTheCellsShowIt() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        try makeWorkbook(cli, "staff.xlsx")
        let run = try cli.run(["validate", "staff.xlsx", "--sheet", "Staff", "--hosting-check", "off", "--quiet"] + Self.maps)
        #expect(run.status == 1, "\(run)")
        let report = try cli.table("staff.report.csv")
        expectCompleteReport(report, rows: 3)
        #expect(report.rows.map { $0[1] } == ["2", "4", "5"], "line is the sheet's row; the empty row 3 is skipped")
        #expect(report.rows.map { $0[2] } == ["valid", "valid", "invalid"])
        #expect(report.cell(2, "message") == "name: is required")
        let errors = try cli.table("staff.errors.csv")
        #expect(errors.header == ["Full Name", "Work Email", "Phone", "Badge", "Start", "error"])
        #expect(errors.rows == [["", "nobody@example.com", "", "", "", "name: is required"]])

        // The values as the cells show them: through a JSON export of what validate would send.
        let dry = try cli.run(["validate", "staff.xlsx", "--sheet", "staff", "--hosting-check", "off", "--quiet",
                               "--report", "staff.jsonl"] + Self.maps)
        #expect(dry.status == 1)
        let lines = try cli.readText("staff.jsonl").split(separator: "\n")
        #expect(lines.count == 3 && lines[0].contains(#""name":"Chloé Dubois""#))

        let first = try cli.run(["validate", "staff.xlsx", "--hosting-check", "off", "--quiet"])
        #expect(first.status == 2, "the first visible sheet has no name column: \(first)")
        let missing = try cli.run(["validate", "staff.xlsx", "--sheet", "Payroll", "--quiet"])
        #expect(missing.status == 2)
        #expect(missing.err.contains("no sheet named 'Payroll' (the sheets are 'Read me', 'Staff')"), "\(missing.err)")
        try cli.write("plain.csv", "name,email\nA,a@example.com\n")
        let csvSheet = try cli.run(["validate", "plain.csv", "--sheet", "Staff", "--quiet"])
        #expect(csvSheet.status == 2 && csvSheet.err.contains("applies to .xlsx input only"), "\(csvSheet)")
    }

    @Test(.enabled(if: OpenpyxlDump.available, "python3 with openpyxl (.build-venv) is not installed"))
    func importSendsTheCellsAsShown() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try makeWorkbook(cli, "staff.xlsx")
        let run = try cli.run(["import", "staff.xlsx", "--sheet", "Staff", "--hosting-check", "off", "--quiet", "--rate", "100"]
                              + Self.maps + emulator.apiArguments)
        #expect(run.status == 1, "\(run)")
        let byEmail = Dictionary(uniqueKeysWithValues: try emulator.resources().map { (($0["email"] as? String) ?? "", $0) })
        #expect(byEmail.count == 2)
        let chloe = try #require(byEmail["chloe@example.com"])
        #expect((chloe["contact"] as? [String: Any])?["businessPhone"] as? String == "15550100123", "not 1.5E+10: \(chloe)")
        #expect((chloe["customFields"] as? [String: Any])?["field1"] as? String == "123", "not 123.0")
        #expect((chloe["customFields"] as? [String: Any])?["field2"] as? String == "2024-03-01", "a date as ISO 8601")
        let ana = try #require(byEmail["ana@example.com"])
        #expect((ana["contact"] as? [String: Any])?["businessPhone"] as? String == "+1 555 0100")
        #expect((ana["customFields"] as? [String: Any])?["field1"] as? String == "00123")
    }

    @Test(.enabled(if: OpenpyxlDump.available, "python3 with openpyxl (.build-venv) is not installed"))
    func aDamagedWorkbookStopsTheImportBeforeAnythingIsSent() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try makeWorkbook(cli, "staff.xlsx", extraRows: 20_000)
        // Damage the last stretch of the sheet's compressed data: the first rows still read.
        var bytes = try cli.read("staff.xlsx")
        let marker = Array("xl/worksheets/sheet2.xml".utf8)
        var local = 0
        while local + marker.count < bytes.count, !(bytes[local] == 0x50 && bytes[local + 1] == 0x4B && bytes[local + 2] == 3
                                                   && Array(bytes[(local + 30)..<(local + 30 + marker.count)]) == marker) { local += 1 }
        let compressed = Int(bytes[local + 18]) | Int(bytes[local + 19]) << 8 | Int(bytes[local + 20]) << 16
        #expect(compressed > 10_000, "openpyxl writes sizes in the local header")
        let dataStart = local + 30 + marker.count + (Int(bytes[local + 28]) | Int(bytes[local + 29]) << 8)
        for k in 0..<64 { bytes[dataStart + compressed * 9 / 10 + k] ^= 0x5A }
        try cli.write("staff.xlsx", bytes)
        let run = try cli.run(["import", "staff.xlsx", "--sheet", "Staff", "--hosting-check", "off", "--rate", "100"]
                              + Self.maps + emulator.apiArguments)
        #expect(run.status == 2, "\(run)")
        #expect(run.err.contains("staff.xlsx: xl/worksheets/sheet2.xml: "), "names the part: \(run.err)")
        #expect(try emulator.stats()["creates"] == 0, "nothing sent")
    }
}
