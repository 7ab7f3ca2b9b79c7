import Foundation
import TestSupport
import Testing

/// What samples/README.md promises for one sample: the status of every row that is not `valid`.
struct Promise {
    var row: Int
    var line: Int
    var status: String
}

/// Reads the table after `<!-- expected-statuses: NAME -->` in samples/README.md.
func promises(for sample: String) throws -> [Promise] {
    let readme = try String(contentsOf: CLIRunner.packageRoot.appendingPathComponent("samples/README.md"), encoding: .utf8)
    let lines = readme.components(separatedBy: "\n")
    guard let start = lines.firstIndex(of: "<!-- expected-statuses: \(sample) -->") else { return [] }
    var out: [Promise] = []
    for line in lines[(start + 1)...] {
        guard line.hasPrefix("|") else { break }
        let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        guard cells.count >= 3, let row = Int(cells[0]), let l = Int(cells[1]) else { continue }
        out.append(Promise(row: row, line: l, status: cells[2]))
    }
    return out
}

let returnURLOptions = ["--google-return-url", "https://example.com/welcome", "--outlook-return-url", "https://example.com/welcome"]

/// Checks a report against the README's promises: the promised rows have their status and
/// line, every other row is `valid`.
func checkReport(_ report: CSVTable, promised: [Promise], rowCount: Int) {
    #expect(report.header == ["row", "line", "status", "id", "name", "email", "provider", "calendarId",
                              "calendarAvailability", "authUrl", "authorized", "message"])
    #expect(report.rows.count == rowCount)
    #expect(report.rows.map { Int($0[0]) } == Array(1...rowCount).map { Optional($0) }, "one line per row, in input order")
    let byRow = Dictionary(uniqueKeysWithValues: promised.map { ($0.row, $0) })
    for (i, r) in report.rows.enumerated() {
        let expected = byRow[i + 1]?.status ?? "valid"
        #expect(r[2] == expected, "row \(i + 1): \(r)")
        if let p = byRow[i + 1] { #expect(r[1] == String(p.line), "line of row \(i + 1)") }
        if expected != "valid" { #expect(!r[11].isEmpty, "row \(i + 1) says why") }
    }
}

@Suite struct SampleFlowTests {
    @Test func hrExportGivesThePromisedStatusesAndItsFixedErrorsFileValidates() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        for f in ["hr-export.csv", "hr-export.map.csv", "domain-hosting.csv"] { try cli.copySample(f) }
        let promised = try promises(for: "hr-export.csv")
        #expect(promised.count == 4, "the README table is there")
        let common = ["--map", "hr-export.map.csv"] + returnURLOptions + ["--domain-hosting", "domain-hosting.csv"]

        let first = try cli.run(["validate", "hr-export.csv"] + common)
        #expect(first.status == 1, "\(first)")
        #expect(first.stdout.isEmpty, "standard output carries only data")
        #expect(!first.err.contains("ignoring columns"), "every column is mapped or ignored by the map")
        let report = CSVTable(parsing: try cli.readText("hr-export.report.csv"))
        checkReport(report, promised: promised, rowCount: 12)
        #expect(report.cell(10, "message") == "warning: the same e-mail as row 1; skipped")

        // The errors file: the input's BOM, ';' and CRLF, each failing record byte for byte plus an error cell.
        let input = try cli.readText("hr-export.csv")
        let inputLines = input.components(separatedBy: "\r\n")
        let errorsText = try cli.readText("hr-export.errors.csv")
        #expect(errorsText.hasPrefix("\u{FEFF}" + inputLines[0].dropFirst() + ";error\r\n"))
        var errors = CSVTable(parsing: errorsText, delimiter: ";")
        #expect(errors.bom)
        #expect(errors.header.last == "error")
        let invalid = promised.filter { $0.status == "invalid" }
        #expect(errors.rows.count == invalid.count)
        let errorLines = errorsText.components(separatedBy: "\r\n")
        for (i, p) in invalid.enumerated() {
            #expect(errorLines[i + 1].hasPrefix(inputLines[p.line - 1] + ";"), "record of line \(p.line) kept byte for byte")
        }

        // Fix the rows as a person would, in the errors file itself.
        for i in errors.rows.indices {
            let error = errors.cell(i, "error") ?? ""
            if error.contains("name: is required") {
                errors.set(i, "Employee Name", "Dan O'Hara")
            } else if error.contains("outlookCalendarId") && error.contains("not hosted by Microsoft") {
                // The address is a Google one: move it to the Google column.
                errors.set(i, "Google Calendar", errors.cell(i, "Outlook Calendar")!)
                errors.set(i, "Outlook Calendar", "")
                errors.set(i, "Calendar Sync", "Google")
            } else if error.contains("needs a googleCalendarId") {
                errors.set(i, "Calendar Sync", "None")
            } else {
                Issue.record("an error the README does not promise: \(error)")
            }
        }
        try cli.write("hr-export.errors.csv", errors.serialized())

        let second = try cli.run(["validate", "hr-export.errors.csv"] + common)
        #expect(second.status == 0, "\(second)")
        #expect(!second.err.contains("ignoring columns"), "the error column is ignored silently")
        let fixed = CSVTable(parsing: try cli.readText("hr-export.errors.report.csv"))
        #expect(fixed.rows.count == invalid.count)
        #expect(fixed.rows.allSatisfy { $0[2] == "valid" }, "\(fixed.rows)")
        #expect(!cli.exists("hr-export.errors.errors.csv"), "no errors file when nothing fails")
    }

    @Test func resourcesCSVGivesThePromisedStatusesAndItsFixedErrorsFileValidates() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        for f in ["resources.csv", "domain-hosting.csv"] { try cli.copySample(f) }
        let promised = try promises(for: "resources.csv")
        #expect(promised.count == 6, "the README table is there")
        let common = returnURLOptions + ["--domain-hosting", "domain-hosting.csv"]

        let first = try cli.run(["validate", "resources.csv"] + common)
        #expect(first.status == 1, "\(first)")
        #expect(first.err.contains("25 rows: 19 valid, 5 invalid, 1 skipped"), "\(first.err)")
        let report = CSVTable(parsing: try cli.readText("resources.report.csv"))
        checkReport(report, promised: promised, rowCount: 25)
        #expect(report.cell(2, "name") == "Chloé Dubois")

        var errors = CSVTable(parsing: try cli.readText("resources.errors.csv"))
        #expect(!errors.bom)
        #expect(errors.header == CSVTable(parsing: try cli.readText("resources.csv")).header + ["error"])
        #expect(errors.rows.count == promised.filter { $0.status == "invalid" }.count)
        for i in errors.rows.indices {
            let error = errors.cell(i, "error") ?? ""
            if error.contains("name: is required") {
                errors.set(i, "name", "Nora Quist")
            } else if error.contains("has more than one @") {
                errors.set(i, "email", errors.cell(i, "email")!.replacingOccurrences(of: "@@", with: "@"))
            } else if error.contains("not both") {
                errors.set(i, "outlookCalendarId", "")
            } else if error.contains("needs a googleCalendarId") {
                errors.set(i, "calendarAvailability", "0")
            } else if error.contains("not hosted by Google") {
                errors.set(i, "outlookCalendarId", errors.cell(i, "googleCalendarId")!)
                errors.set(i, "googleCalendarId", "")
                errors.set(i, "calendarAvailability", "2")
            } else {
                Issue.record("an error the README does not promise: \(error)")
            }
        }
        try cli.write("fixed.csv", errors.serialized())

        let second = try cli.run(["validate", "fixed.csv"] + common)
        #expect(second.status == 0, "\(second)")
        #expect(!second.err.contains("ignoring columns"), "the error column is ignored silently")
        let fixed = CSVTable(parsing: try cli.readText("fixed.report.csv"))
        #expect(fixed.rows.count == 5)
        #expect(fixed.rows.allSatisfy { $0[2] == "valid" && $0[11].isEmpty }, "\(fixed.rows)")
        #expect(!cli.exists("fixed.errors.csv"))
    }

    @Test func resourcesJSONLIsAllValid() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        for f in ["resources.jsonl", "domain-hosting.csv"] { try cli.copySample(f) }
        let result = try cli.run(["validate", "resources.jsonl"] + returnURLOptions + ["--domain-hosting", "domain-hosting.csv"])
        #expect(result.status == 0, "\(result)")
        let report = CSVTable(parsing: try cli.readText("resources.report.csv"))
        #expect(report.rows.count == 8)
        #expect(report.rows.allSatisfy { $0[2] == "valid" }, "\(report.rows)")
        #expect(report.cell(2, "provider") == "outlook" && report.cell(2, "calendarAvailability") == "2")
        #expect(!cli.exists("resources.errors.jsonl"))
    }

    @Test func jsonlErrorsFileCanBeFixedAndValidated() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        try cli.copySample("resources.jsonl")
        // Break two rows of the sample: no name, and an Outlook calendar without its return URL.
        var lines = try cli.readText("resources.jsonl").split(separator: "\n").map(String.init)
        lines[0] = lines[0].replacingOccurrences(of: #""name":"Ana Lima","#, with: "")
        try cli.write("people.jsonl", lines.joined(separator: "\n") + "\n")
        let first = try cli.run(["validate", "people.jsonl", "--google-return-url", "https://example.com/welcome", "--hosting-check", "off"])
        #expect(first.status == 1, "\(first)")
        let report = CSVTable(parsing: try cli.readText("people.report.csv"))
        #expect(report.rows.map { $0[2] } == ["invalid", "valid", "invalid", "invalid", "valid", "valid", "valid", "valid"])
        let errors = try cli.readText("people.errors.jsonl").split(separator: "\n").map(String.init)
        #expect(errors.count == 3)
        #expect(errors.allSatisfy { $0.hasPrefix(#"{"error":"#) })
        // Fix: give the name back; the Outlook rows get their return URL from the option.
        let fixed = errors.map { $0.replacingOccurrences(of: #""email":"ana.lima@"#, with: #""name":"Ana Lima","email":"ana.lima@"#) }
        try cli.write("people.errors.jsonl", fixed.joined(separator: "\n") + "\n")
        let second = try cli.run(["validate", "people.errors.jsonl"] + returnURLOptions + ["--hosting-check", "off"])
        #expect(second.status == 0, "\(second)")
        #expect(!second.err.contains("ignoring"), "the error key is ignored silently: \(second.err)")
        #expect(CSVTable(parsing: try cli.readText("people.errors.report.csv")).rows.allSatisfy { $0[2] == "valid" })
    }

    @Test func hrExportWithoutTheMapNamesTheUnmappedColumnsOnce() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        for f in ["hr-export.csv", "domain-hosting.csv"] { try cli.copySample(f) }
        let result = try cli.run(["validate", "hr-export.csv", "--quiet"] + returnURLOptions + ["--domain-hosting", "domain-hosting.csv"])
        #expect(result.status == 1)
        // --quiet silences the warning too; run again without it.
        let loud = try cli.run(["validate", "hr-export.csv"] + returnURLOptions + ["--domain-hosting", "domain-hosting.csv"])
        let warnings = loud.err.components(separatedBy: "\n").filter { $0.contains("ignoring columns") }
        #expect(warnings.count == 1, "\(loud.err)")
        for column in ["'Department'", "'Badge No'", "'Cost Center'"] { #expect(warnings.first?.contains(column) == true) }
    }
}
