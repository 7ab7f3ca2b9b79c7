import Foundation
import TestSupport
import Testing

/// `import`, `import --dry-run` and `validate` of one file whose rows end in every status, run
/// as the built binary against an emulator on loopback.
@Suite struct ImportStatusTests {
    /// Row by row (1-based): what each one is for.
    ///  1 new, Google calendar           → created, Google link with the return URL
    ///  2 id of a seeded resource        → updated
    ///  3 e-mail of a seeded resource    → updated (matched by e-mail, case-insensitively)
    ///  4 no name                        → invalid
    ///  5 e-mail with a no-break space   → valid for us, refused by the API → failed
    ///  6 id that does not exist         → failed (the API: not found)
    ///  7 e-mail of row 1 again          → skipped
    ///  8 new, Outlook calendar          → created, Outlook link with the return URL
    ///  9 malformed e-mail               → invalid
    static func input(alphaId: String) -> [String] {
        [
            "id,name,email,googleCalendarId,outlookCalendarId,calendarAvailability",
            ",Carol New,carol@example.com,carol@gmail.com,,1",
            "\(alphaId),Alpha Renamed,,,,",
            ",Bravo Renamed,BRAVO@Example.com,,,",
            ",,nobody@example.com,,,",
            ",Dee Refused,dee\u{00A0}x@example.com,,,",
            "99999,Ghost,ghost@example.com,,,",
            ",Carol Again,carol@example.com,,,",
            ",Erin New,erin@example.com,,erin@outlook.com,2",
            ",Bad Email,not-an-email,,,",
        ]
    }

    static func seedAlphaBravo(_ emulator: LoopbackEmulator) throws -> (alpha: String, bravo: String) {
        let seeded = try emulator.seed([
            ["name": "Alpha", "email": "alpha@example.com"],
            ["name": "Bravo", "email": "bravo@example.com"],
        ])
        return (seeded[0]["id"] as! String, seeded[1]["id"] as! String)
    }

    @Test func importReportsEveryStatusInInputOrder() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let (alpha, bravo) = try Self.seedAlphaBravo(emulator)
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let lines = Self.input(alphaId: alpha)
        try cli.write("people.csv", lines.joined(separator: "\n") + "\n")

        let result = try cli.run(["import", "people.csv", "--rate", "100"] + emulator.apiArguments + returnOptions)
        #expect(result.status == 1, "some rows invalid or failed: \(result)")
        #expect(result.stdout.isEmpty, "standard output carries only data")

        let report = try cli.table("people.report.csv")
        expectCompleteReport(report, rows: 9)
        #expect(statuses(report) == ["created", "updated", "updated", "invalid", "failed", "failed", "skipped", "created", "invalid"],
                "\(report.rows)")
        #expect(report.rows.map { $0[1] } == (2...10).map(String.init), "line of each row")

        // Updates name the resource they changed.
        #expect(report.cell(1, "id") == alpha)
        #expect(report.cell(2, "id") == bravo)
        // The API's refusals, in its words.
        #expect(report.cell(4, "message")?.contains("not a valid e-mail address") == true, "\(report.rows[4])")
        #expect(report.cell(5, "message")?.lowercased().contains("not found") == true, "\(report.rows[5])")
        #expect(report.cell(4, "message")?.hasPrefix("Email: ") == true, "no position inside the bulk call: \(report.rows[4])")
        #expect(report.cell(5, "message")?.contains("resources[") == false, "\(report.rows[5])")
        #expect(report.cell(6, "message")?.contains("row 1") == true, "skipped names the first row: \(report.rows[6])")

        // Calendar rows carry a link from the API with the return URL in it.
        #expect(report.cell(0, "provider") == "google")
        #expect(report.cell(0, "calendarId") == "carol@gmail.com")
        #expect(report.cell(0, "authorized") == "false")
        let googleLink = report.cell(0, "authUrl") ?? ""
        #expect(googleLink.hasPrefix("https://accounts.google.com/"), "\(googleLink)")
        #expect(decoded(googleLink).contains("returnUrl=\(googleReturn)"), "\(googleLink)")
        #expect(report.cell(7, "provider") == "outlook")
        let outlookLink = report.cell(7, "authUrl") ?? ""
        #expect(outlookLink.hasPrefix("https://login.microsoftonline.com/"), "\(outlookLink)")
        #expect(decoded(outlookLink).contains("returnUrl=\(outlookReturn)"), "\(outlookLink)")
        for i in [1, 2, 3, 4, 5, 6, 8] { #expect(report.cell(i, "authUrl") == "", "no link for row \(i + 1)") }

        // What the emulator holds now.
        let resources = try emulator.resources()
        let byEmail = Dictionary(uniqueKeysWithValues: resources.map { (($0["email"] as! String).lowercased(), $0) })
        #expect(resources.count == 4, "\(emails(of: resources))")
        #expect(byEmail["alpha@example.com"]?["name"] as? String == "Alpha Renamed")
        #expect(byEmail["bravo@example.com"]?["name"] as? String == "Bravo Renamed")
        #expect(byEmail["carol@example.com"]?["googleCalendarId"] as? String == "carol@gmail.com")
        #expect(byEmail["erin@example.com"]?["outlookCalendarId"] as? String == "erin@outlook.com")
        #expect(report.cell(0, "id") == byEmail["carol@example.com"]?["id"] as? String)
        let stats = try emulator.stats()
        #expect(stats["creates"] == 2)
        #expect(stats["updates"] == 2)

        // The errors file: the invalid and failed rows exactly as in the input, plus `error`.
        let errors = try cli.readText("people.errors.csv")
        let errorLines = errors.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        #expect(errorLines.first == lines[0] + ",error")
        let failing = [4, 5, 6, 9]
        #expect(errorLines.filter { !$0.isEmpty }.count == failing.count + 1, "\(errors)")
        for (i, row) in failing.enumerated() where i + 1 < errorLines.count {
            #expect(errorLines[i + 1].hasPrefix(lines[row] + ","), "row \(row) as in the input: \(errorLines[i + 1])")
        }
    }

    @Test func dryRunSaysWhatWouldHappenAndChangesNothing() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let (alpha, bravo) = try Self.seedAlphaBravo(emulator)
        let before = try emulator.resourcesCanonical()
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", Self.input(alphaId: alpha).joined(separator: "\n") + "\n")

        let result = try cli.run(["import", "people.csv", "--dry-run", "--rate", "100"] + emulator.apiArguments + returnOptions)
        #expect(result.status == 1, "invalid rows: \(result)")
        let report = try cli.table("people.report.csv")
        expectCompleteReport(report, rows: 9)
        #expect(statuses(report) == ["would-create", "would-update", "would-update", "invalid", "would-create",
                                     "would-update", "skipped", "would-create", "invalid"], "\(report.rows)")
        #expect(report.cell(1, "id") == alpha)
        #expect(report.cell(2, "id") == bravo, "matched by e-mail")

        let stats = try emulator.stats()
        #expect(stats["creates"] == 0)
        #expect(stats["updates"] == 0)
        #expect(stats["bulkCreateCalls"] == 0)
        #expect(stats["bulkUpdateCalls"] == 0)
        #expect(try emulator.resourcesCanonical() == before)
        #expect(!cli.exists("people.report.csv.journal"), "a dry run keeps no journal")
    }

    @Test func validateSaysValidOrInvalidWithoutTheAPI() throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        try cli.write("people.csv", Self.input(alphaId: "38335").joined(separator: "\n") + "\n")
        let result = try cli.run(["validate", "people.csv"] + returnOptions)
        #expect(result.status == 1, "\(result)")
        let report = try cli.table("people.report.csv")
        expectCompleteReport(report, rows: 9)
        #expect(statuses(report) == ["valid", "valid", "valid", "invalid", "valid", "valid", "skipped", "valid", "invalid"],
                "\(report.rows)")
        #expect(report.cell(3, "message")?.contains("name") == true)
        #expect(report.cell(8, "message")?.contains("email") == true)
    }
}
