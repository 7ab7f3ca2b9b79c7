import Foundation
import TestSupport
import Testing

/// `export` then `import` of the export, unchanged: every row an update, nothing created, and
/// the tenant exactly as it was (issue 6).
@Suite struct RoundTripTests {
    /// ~300 resources that exercise the CSV and JSON writers and readers: quotes, commas,
    /// newlines, non-ASCII, phone numbers starting with '+', addresses, custom fields, both
    /// calendar kinds (some authorized), service ids, options; plus two deleted ones.
    static func variedResources() -> [[String: Any]] {
        let names = ["José Müller", "Zoë O'Brien", "李雷", "Ann \"The Boss\" Lee", "Smith, John", "Ørsted Ærø",
                     "Renée-Claire Dubois", "Ελένη Παπαδοπούλου", "Søren Kierkegaard", "Plain Name"]
        var out: [[String: Any]] = []
        for i in 0..<300 {
            var r: [String: Any] = ["name": "\(names[i % names.count]) \(i)", "email": "rt\(i)@example.com"]
            switch i % 4 {
            case 0: r["description"] = "Line one, with a comma\nLine two with \"quotes\"\r\nLine three"
            case 1: r["description"] = "Café crème; naïve façade — 10% off"
            case 2: r["description"] = "=not a formula, just text"
            default: break
            }
            if i % 3 == 0 { r["timezoneId"] = "Eastern Standard Time" }  // the API holds Windows zone ids
            if i % 7 == 0 { r["groupId"] = i }
            if i % 2 == 0 {
                r["address"] = ["addressLine1": "\(i) Rue de l'Église", "addressLine2": "Apt \"B\", floor 2",
                                "city": "Montréal", "state": "QC", "postalCode": "H2X 1Y4", "country": "CA"]
            }
            if i % 3 != 2 {
                r["contact"] = ["businessPhone": "+1 555 01\(i % 100)", "businessPhoneExt": "\(i)",
                                "mobilePhone": "-555-0199", "phoneType": "mobile", "skypeUsername": "sky.\(i)",
                                "conferenceInfo": "https://meet.example.com/\(i)?pin=1,2"]
            }
            if i % 5 != 4 {
                r["customFields"] = ["field1": "value \(i)", "field2": "@handle\(i)", "field10": "multi\nline"]
            }
            switch i % 6 {
            case 0:
                r["googleCalendarId"] = "rt\(i)@gmail.com"
                r["calendarAvailability"] = 1
                r["googleAuthReturnUrl"] = googleReturn
                r["googleCalendarAuthorized"] = i % 12 == 0
            case 1:
                r["outlookCalendarId"] = "rt\(i)@outlook.com"
                r["calendarAvailability"] = 2
                r["outlookAuthReturnUrl"] = outlookReturn
                r["outlookCalendarAuthorized"] = i % 12 == 1
            case 2:
                r["outlookCalendarId"] = "rt\(i)@hotmail.co.uk"
                r["outlookAuthReturnUrl"] = outlookReturn
            default: break
            }
            if i % 4 == 1 { r["serviceIds"] = [1, 2, 30 + i] }
            if i % 5 == 0 {
                r["options"] = ["notificationType": 1, "bookingNotification": 2, "sortKey": i, "ignoreBusinessHours": true,
                                "displayColor": "#ff8800", "bioLink": "https://example.com/bio/\(i)", "gender": "F",
                                "hourly": 12.5, "effectiveDate": "2025-01-0\(1 + i % 9)"]
            }
            out.append(r)
        }
        out.append(["name": "Deleted One", "email": "deleted1@example.com", "deletedStatus": true])
        out.append(["name": "Deleted Two", "email": "deleted2@example.com", "deletedStatus": true])
        return out
    }

    /// `csv`, `jsonl`, `xlsx` (a workbook), or `excel`: CSV with `--excel` (a byte order mark).
    @Test(arguments: ["csv", "jsonl", "excel", "xlsx"])
    func anUnchangedExportImportsAsUnchangedAndSendsNothing(variant: String) throws {
        let format = variant == "excel" ? "csv" : variant
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        try emulator.seed(Self.variedResources())
        let before = try emulator.resourcesCanonical()
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let file = "export.\(format)"

        let export = try cli.run(["export", "--out", file, "--rate", "100"] + (variant == "excel" ? ["--excel"] : [])
                                 + emulator.apiArguments)
        #expect(export.status == 0, "\(export)")
        #expect(export.stdout.isEmpty)
        let exported = try cli.readText(file)
        if format == "xlsx" {
            #expect(exported.hasPrefix("PK\u{3}\u{4}"), "a ZIP package")
        } else if format == "csv" {
            let table = CSVTable(parsing: exported)
            #expect(table.bom == (variant == "excel"))
            #expect(table.rows.count == 300, "every resource once, deleted ones left out")
            #expect(table.header.suffix(2) == ["googleCalendarAuthorized", "outlookCalendarAuthorized"])
            #expect(Set(table.rows.map { $0[table.column("email")!] }).count == 300)
        } else {
            #expect(exported.split(separator: "\n").count == 300)
        }

        let result = try cli.run(["import", file, "--rate", "100"] + returnOptions + emulator.apiArguments)
        #expect(result.status == 0, "\(result)")
        #expect(!result.err.contains("ignoring"), "the read-only columns are known: \(result.err)")
        let report = try cli.table("export.report.csv")
        expectCompleteReport(report, rows: 300)
        // Every field of the export equals the resource's: nothing is sent (cli.md, Sync).
        #expect(tally(statuses(report)) == ["unchanged": 300], "\(report.rows.filter { $0[2] != "unchanged" }.prefix(3))")
        let stats = try emulator.stats()
        #expect(stats["creates"] == 0)
        #expect(stats["updates"] == 0)

        let after = try emulator.resourcesCanonical()
        #expect(after.count == before.count)
        let changed = zip(before, after).filter { $0.0 != $0.1 }
        #expect(changed.isEmpty, "\(changed.count) resources changed; first:\nbefore \(changed.first?.0 ?? "")\nafter  \(changed.first?.1 ?? "")")

        if format == "csv" {
            let withDeleted = try cli.run(["export", "--out", "all.csv", "--include-deleted", "--quiet"] + emulator.apiArguments)
            #expect(withDeleted.status == 0)
            let all = try cli.table("all.csv")
            #expect(all.rows.count == 302, "--include-deleted: every resource, the deleted ones too")
            #expect(Set(all.rows.map { $0[all.column("email")!] }).count == all.rows.count)
        }
    }
}
