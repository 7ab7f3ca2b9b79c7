import Foundation
import TestSupport
import Testing

/// The nightly sync (cli.md, "Sync: what a nightly run changes"), run as the built binary against
/// an emulator on loopback: only real changes are sent.
@Suite struct SyncTests {
    /// `count` people with a Google calendar each, `name,email,googleCalendarId`.
    static func people(_ count: Int, renamed: Set<Int> = []) -> String {
        var text = "name,email,googleCalendarId\n"
        for n in 1...count {
            text += "Person \(n)\(renamed.contains(n) ? " Jr" : ""),p\(n)@example.com,p\(n)@gmail.com\n"
        }
        return text
    }

    @Test func anUnchangedNightSendsNoWriteAndReportsEveryRowUnchanged() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", Self.people(12))
        let first = try cli.run(["import", "people.csv", "--rate", "100"] + emulator.apiArguments + returnOptions)
        #expect(first.status == 0, "\(first)")
        #expect(tally(statuses(try cli.table("people.report.csv"))) == ["created": 12])
        let before = try emulator.stats()

        let night = try cli.run(["import", "people.csv", "--rate", "100", "--summary-json", "s.json"] + emulator.apiArguments + returnOptions)
        #expect(night.status == 0, "\(night)")
        let report = try cli.table("people.report.csv")
        expectCompleteReport(report, rows: 12)
        #expect(report.header == importReportColumns)
        #expect(statuses(report) == Array(repeating: "unchanged", count: 12), "\(report.rows)")
        #expect(report.rows.allSatisfy { !($0[3]).isEmpty }, "unchanged rows name their resource")
        #expect(report.cell(0, "calendarId") == "p1@gmail.com")
        let after = try emulator.stats()
        for key in ["creates", "updates", "bulkCreateCalls", "bulkUpdateCalls"] {
            #expect(after[key] == before[key], "no write request: \(key) \(before[key] ?? -1) → \(after[key] ?? -1)")
        }
        let summary = try summaryJSON(cli, "s.json")
        #expect((summary["counts"] as? [String: Any])?["unchanged"] as? Int == 12, "\(summary)")
    }

    @Test func threeChangedRowsGoInOneBulkCallNamingTheirChanges() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", Self.people(20))
        let first = try cli.run(["import", "people.csv", "--rate", "100"] + emulator.apiArguments + returnOptions)
        #expect(first.status == 0, "\(first)")
        let before = try emulator.stats()

        // Three renamed; row 9 also moves to another Google calendar.
        var lines = Self.people(20, renamed: [4, 9, 17]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[9] = "Person 9 Jr,p9@example.com,p9.new@gmail.com"
        try cli.write("people.csv", lines.joined(separator: "\n"))
        let night = try cli.run(["import", "people.csv", "--rate", "100"] + emulator.apiArguments + returnOptions)
        #expect(night.status == 0, "\(night)")
        let report = try cli.table("people.report.csv")
        expectCompleteReport(report, rows: 20)
        let changed = report.rows.indices.filter { report.rows[$0][2] == "updated" }
        #expect(changed == [3, 8, 16], "\(report.rows)")
        #expect(tally(statuses(report)) == ["updated": 3, "unchanged": 17])
        #expect(report.cell(3, "changes") == "name")
        #expect(report.cell(8, "changes") == "name; googleCalendarId")
        #expect(report.cell(0, "changes") == "")
        let after = try emulator.stats()
        #expect((after["bulkUpdateCalls"] ?? 0) - (before["bulkUpdateCalls"] ?? 0) == 1, "one bulk call")
        #expect((after["updates"] ?? 0) - (before["updates"] ?? 0) == 3, "holding exactly the three rows")
        #expect(after["bulkCreateCalls"] == before["bulkCreateCalls"])
        let held = try emulator.resources().first { ($0["email"] as? String) == "p9@example.com" }
        #expect(held?["googleCalendarId"] as? String == "p9.new@gmail.com")
        #expect(held?["name"] as? String == "Person 9 Jr")
    }

    @Test func sendUnchangedSendsEveryMatchedRow() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", Self.people(5))
        _ = try cli.run(["import", "people.csv", "--rate", "100"] + emulator.apiArguments + returnOptions)
        let before = try emulator.stats()
        let night = try cli.run(["import", "people.csv", "--rate", "100", "--send-unchanged"] + emulator.apiArguments + returnOptions)
        #expect(night.status == 0, "\(night)")
        #expect(statuses(try cli.table("people.report.csv")) == Array(repeating: "updated", count: 5))
        #expect((try emulator.stats()["updates"] ?? 0) - (before["updates"] ?? 0) == 5)
    }

    @Test func aRowRepeatingAnInvalidRowsKeyIsSkippedAndNeverLandsOnAnotherPerson() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        // Alice's row is invalid (no name); Kenji's has her e-mail by mistake.
        try cli.write("people.csv", "name,email\n,alice@example.com\nKenji,ALICE@example.com\nBo,bo@example.com\n")
        let night1 = try cli.run(["import", "people.csv", "--rate", "100"] + emulator.apiArguments)
        #expect(night1.status == 1, "\(night1)")
        let report1 = try cli.table("people.report.csv")
        #expect(statuses(report1) == ["invalid", "skipped", "created"], "\(report1.rows)")
        #expect(report1.cell(1, "message")?.contains("row 1") == true, "\(report1.rows[1])")
        #expect(emails(of: try emulator.resources()) == ["bo@example.com"], "Kenji's row created nothing")

        // Alice's row fixed the next night: she is created, as herself.
        try cli.write("people.csv", "name,email\nAlice,alice@example.com\nKenji,ALICE@example.com\nBo,bo@example.com\n")
        let night2 = try cli.run(["import", "people.csv", "--rate", "100"] + emulator.apiArguments)
        #expect(night2.status == 0, "\(night2)")
        #expect(statuses(try cli.table("people.report.csv")) == ["created", "skipped", "unchanged"])
        let alice = try emulator.resources().filter { ($0["email"] as? String)?.lowercased() == "alice@example.com" }
        #expect(alice.count == 1 && alice.first?["name"] as? String == "Alice", "\(alice)")
    }

    static func seedThree(_ emulator: LoopbackEmulator) throws {
        try emulator.seed([
            ["name": "Ana", "email": "ana@example.com", "description": "temp contract", "customFields": ["field3": "E-1"]],
            ["name": "Bo", "email": "bo@example.com", "googleCalendarId": "bo@gmail.com", "calendarAvailability": 1],
            ["name": "Cy", "email": "cy@example.com", "address": ["city": "Oslo"]],
        ])
    }

    static func held(_ emulator: LoopbackEmulator, _ email: String) throws -> [String: Any] {
        try emulator.resources().first { ($0["email"] as? String) == email } ?? [:]
    }

    @Test func clearInCSVAndTheSwitchFromGoogleToOutlook() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        try Self.seedThree(emulator)
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", """
            name,email,description,customField3,outlookCalendarId
            Ana,ana@example.com,#Clear,#clear,
            Bo,bo@example.com,,,bo@outlook.com
            Cy,cy@example.com,,,

            """)
        let run = try cli.run(["import", "people.csv", "--rate", "100"] + emulator.apiArguments + returnOptions)
        #expect(run.status == 0, "\(run)")
        let report = try cli.table("people.report.csv")
        #expect(statuses(report) == ["updated", "updated", "unchanged"], "\(report.rows)")
        #expect(report.cell(0, "changes") == "description; customField3")
        #expect(report.cell(1, "changes") == "googleCalendarId; outlookCalendarId; calendarAvailability")
        #expect(report.cell(1, "provider") == "outlook")
        #expect(report.cell(1, "authUrl")?.hasPrefix("https://login.microsoftonline.com/") == true, "\(report.rows[1])")

        let ana = try Self.held(emulator, "ana@example.com")
        #expect(((ana["description"] as? String) ?? "").isEmpty, "\(ana)")
        #expect((((ana["customFields"] as? [String: Any])?["field3"] as? String) ?? "").isEmpty, "\(ana)")
        let bo = try Self.held(emulator, "bo@example.com")
        #expect(((bo["googleCalendarId"] as? String) ?? "").isEmpty, "the Google id is gone: \(bo)")
        #expect(bo["outlookCalendarId"] as? String == "bo@outlook.com")
        #expect(bo["calendarAvailability"] as? Int == 2)

        // The same file again: the fields are already clear, Bo is already on Outlook.
        let again = try cli.run(["import", "people.csv", "--rate", "100"] + emulator.apiArguments + returnOptions)
        #expect(again.status == 0, "\(again)")
        #expect(statuses(try cli.table("people.report.csv")) == ["unchanged", "unchanged", "unchanged"])
    }

    @Test func nullInJSONLinesClearsTheField() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        try Self.seedThree(emulator)
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.jsonl", #"{"name":"Cy","email":"cy@example.com","address":{"city":null}}"# + "\n"
            + #"{"name":"Ana","email":"ana@example.com","customFields":{"field3":null},"description":"temp contract"}"# + "\n")
        let run = try cli.run(["import", "people.jsonl", "--rate", "100"] + emulator.apiArguments)
        #expect(run.status == 0, "\(run)")
        let report = try cli.table("people.report.csv")
        // Bo is not in the file: reported missing (the default), after the input rows.
        #expect(statuses(report) == ["updated", "updated", "missing"], "\(report.rows)")
        #expect(report.cell(0, "changes") == "city")
        #expect(report.cell(1, "changes") == "customField3")
        let cy = try Self.held(emulator, "cy@example.com")
        #expect((((cy["address"] as? [String: Any])?["city"] as? String) ?? "").isEmpty, "\(cy)")
        let ana = try Self.held(emulator, "ana@example.com")
        #expect(ana["description"] as? String == "temp contract")
    }

    @Test func anEmailChangeUnderAStableKeyUpdatesTheSameResource() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let seeded = try emulator.seed([
            ["name": "Ana", "email": "ana@old.example", "customFields": ["field3": "E-1"]],
            ["name": "Room 1", "email": "room1@example.com"],
        ])
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", "name,email,customField3\nAna,ana@new.example,E-1\nBo,bo@example.com,E-2\n")
        let run = try cli.run(["import", "people.csv", "--rate", "100", "--match-by", "customField3"] + emulator.apiArguments)
        #expect(run.status == 0, "\(run)")
        let report = try cli.table("people.report.csv")
        #expect(statuses(report) == ["updated", "created"], "\(report.rows)")
        #expect(report.cell(0, "id") == seeded[0]["id"] as? String)
        #expect(report.cell(0, "changes") == "email")
        let all = try emulator.resources()
        #expect(all.count == 3, "Ana updated, not created again: \(emails(of: all))")
        #expect(Set(emails(of: all)) == ["ana@new.example", "room1@example.com", "bo@example.com"])

        let bad = try cli.run(["import", "people.csv", "--match-by", "customField11"] + emulator.apiArguments)
        #expect(bad.status == 2, "\(bad)")
    }

    /// 20 keyed people (customField3 E-1…E-20), a room and a person without a key.
    static func seedStaff(_ emulator: LoopbackEmulator) throws {
        var staff: [[String: Any]] = (1...20).map { ["name": "P\($0)", "email": "p\($0)@example.com", "customFields": ["field3": "E-\($0)"]] }
        staff.append(["name": "Room 1", "email": "room1@example.com"])
        staff.append(["name": "Nokey", "email": "nokey@example.com"])
        try emulator.seed(staff)
    }

    static func staffFile(_ keys: [Int]) -> String {
        "name,email,customField3\n" + keys.map { "P\($0),p\($0)@example.com,E-\($0)\n" }.joined()
    }

    static func live(_ emulator: LoopbackEmulator) throws -> Set<String> {
        Set(try emulator.resources().filter { ($0["deletedStatus"] as? Bool) != true }.map { ($0["email"] as? String) ?? "" })
    }

    @Test func leaversAreReportedThenDeletedWithRoomsAndUnkeyedPeopleUntouched() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        try Self.seedStaff(emulator)
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("staff.csv", Self.staffFile(Array(2...20)))
        let base = ["import", "staff.csv", "--rate", "100", "--match-by", "customField3"] + emulator.apiArguments

        let reported = try cli.run(base)
        #expect(reported.status == 0, "\(reported)")
        var report = try cli.table("staff.report.csv")
        #expect(report.rows.count == 20)
        #expect(report.rows[19][0] == "" && report.rows[19][1] == "", "missing rows have no row or line: \(report.rows[19])")
        #expect(report.cell(19, "status") == "missing")
        #expect(report.cell(19, "email") == "p1@example.com")
        #expect(try Self.live(emulator).count == 22, "reporting touches nothing")

        let dry = try cli.run(base + ["--missing", "delete", "--dry-run", "--summary-json", "dry.json"])
        #expect(dry.status == 0, "\(dry)")
        report = try cli.table("staff.report.csv")
        #expect(report.cell(19, "status") == "would-delete")
        let counts = (try summaryJSON(cli, "dry.json")["counts"] as? [String: Any]) ?? [:]
        #expect(counts["would-delete"] as? Int == 1 && counts["unchanged"] as? Int == 19, "\(counts)")
        #expect(try emulator.stats()["deletes"] == 0)

        let deleted = try cli.run(base + ["--missing", "delete"])
        #expect(deleted.status == 0, "\(deleted)")
        report = try cli.table("staff.report.csv")
        #expect(report.cell(19, "status") == "deleted")
        #expect(try emulator.stats()["deletes"] == 1)
        let live = try Self.live(emulator)
        #expect(!live.contains("p1@example.com"))
        #expect(live.contains("room1@example.com") && live.contains("nokey@example.com"))
        #expect(live.count == 21)
    }

    @Test func aFileCutTo60PercentDeletesNothingAndSaysWhyOnEachMissingRow() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        try Self.seedStaff(emulator)
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("staff.csv", Self.staffFile(Array(1...12)))
        let run = try cli.run(["import", "staff.csv", "--rate", "100", "--match-by", "customField3", "--missing", "delete"]
            + emulator.apiArguments)
        #expect(run.status == 1, "\(run)")
        let report = try cli.table("staff.report.csv")
        let missing = report.rows.filter { $0[0].isEmpty }
        #expect(missing.count == 8)
        #expect(missing.allSatisfy { $0[2] == "missing" && $0[report.column("message")!].contains("more than the limit of 1") }, "\(missing)")
        #expect(try emulator.stats()["deletes"] == 0)
        #expect(try Self.live(emulator).count == 22)
        #expect(!cli.exists("staff.errors.csv"), "missing resources are not input rows")

        // A higher limit, chosen on purpose, lets them go.
        let allowed = try cli.run(["import", "staff.csv", "--rate", "100", "--match-by", "customField3", "--missing", "delete",
                                   "--max-deletes", "40%"] + emulator.apiArguments)
        #expect(allowed.status == 0, "\(allowed)")
        #expect(try emulator.stats()["deletes"] == 8)

        let usage = try cli.run(["import", "staff.csv", "--missing", "delete"] + emulator.apiArguments)
        #expect(usage.status == 2, "delete needs a key: \(usage)")
    }

    @Test func aReturnerIsRecoveredNotCreated() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let seeded = try emulator.seed([
            ["name": "Kim", "email": "kim@example.com", "deletedStatus": true, "customFields": ["field3": "E-9"]],
            ["name": "Lee", "email": "lee@example.com", "deletedStatus": true],
        ])
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("back.csv", "name,email,customField3\nKim Park,kim@new.example,E-9\n")
        let dry = try cli.run(["import", "back.csv", "--rate", "100", "--match-by", "customField3", "--dry-run"] + emulator.apiArguments)
        #expect(dry.status == 0, "\(dry)")
        #expect(statuses(try cli.table("back.report.csv")) == ["would-recover"])
        #expect(try emulator.stats()["recovers"] == 0)

        let run = try cli.run(["import", "back.csv", "--rate", "100", "--match-by", "customField3"] + emulator.apiArguments)
        #expect(run.status == 0, "\(run)")
        let report = try cli.table("back.report.csv")
        #expect(statuses(report) == ["recovered"], "\(report.rows)")
        #expect(report.cell(0, "id") == seeded[0]["id"] as? String)
        #expect(report.cell(0, "changes") == "name; email")
        let stats = try emulator.stats()
        #expect(stats["creates"] == 0 && stats["recovers"] == 1, "\(stats)")
        let kim = try emulator.resources().first { ($0["id"] as? String) == seeded[0]["id"] as? String } ?? [:]
        #expect(kim["deletedStatus"] as? Bool == false && kim["email"] as? String == "kim@new.example", "\(kim)")
        #expect(try emulator.resources().count == 2, "nobody created twice")

        // By e-mail too, with nothing to change: only recovered.
        try cli.write("lee.csv", "name,email\nLee,lee@example.com\n")
        let lee = try cli.run(["import", "lee.csv", "--rate", "100", "--missing", "ignore"] + emulator.apiArguments)
        #expect(lee.status == 0, "\(lee)")
        #expect(statuses(try cli.table("lee.report.csv")) == ["recovered"])
        #expect(try emulator.stats()["recovers"] == 2)
    }

    @Test func aSecondOverlappingRunExits2NamingTheFirstAndNothingIsCreatedTwice() throws {
        let emulator = try LoopbackEmulator(faults: "latency=50ms")
        defer { emulator.stop() }
        let first = try CLIRunner()
        defer { first.cleanUp() }
        let second = try CLIRunner()
        defer { second.cleanUp() }
        for cli in [first, second] {
            cli.useCredentials()
            try cli.write("staff.csv", peopleCSV(200))
        }
        let command = ["import", "staff.csv", "--rate", "20", "--chunk-size", "5", "--concurrency", "1"] + emulator.apiArguments
        let running = try first.start(command)
        defer { running.signal(SIGKILL) }
        #expect(running.waitUntil { first.lineCount("staff.report.csv.journal") >= 2 }, "the first run is sending")

        let refused = try second.run(command)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.err.contains("process \(running.pid)"), "\(refused.err)")
        #expect(!second.exists("staff.report.csv.journal"))

        let done = running.wait()
        #expect(done.status == 0, "\(done)")
        let all = emails(of: try emulator.resources())
        #expect(all.count == 200 && Set(all) == Set(peopleEmails(200)), "each person once: \(all.count)")

        // The lock goes with the run: the next night starts normally.
        let next = try second.run(command)
        #expect(next.status == 0, "\(next)")
        #expect(tally(statuses(try second.table("staff.report.csv"))) == ["unchanged": 200])
    }

    @Test func aDryRunShowsTheWholePlanWithTheSameCountsEverywhere() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        var staff: [[String: Any]] = (1...40).map { ["name": "P\($0)", "email": "p\($0)@example.com", "customFields": ["field3": "E-\($0)"]] }
        staff.append(["name": "Gone", "email": "gone@example.com", "deletedStatus": true, "customFields": ["field3": "E-99"]])
        staff.append(["name": "Room 1", "email": "room1@example.com"])
        try emulator.seed(staff)
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        // P1 left (would-delete), P2 renamed (would-update), E-99 returns (would-recover), E-50 is new, one row invalid.
        var text = "name,email,customField3\n"
        text += "P2 Renamed,p2@example.com,E-2\n"
        for n in 3...40 { text += "P\(n),p\(n)@example.com,E-\(n)\n" }
        text += "Gone,gone@example.com,E-99\nNew,new@example.com,E-50\n,bad@example.com,E-51\n"
        try cli.write("staff.csv", text)
        let before = try emulator.stats()
        let run = try cli.run(["import", "staff.csv", "--dry-run", "--match-by", "customField3", "--missing", "delete",
                               "--summary-json", "plan.json"] + emulator.apiArguments)
        #expect(run.status == 1, "one row is invalid: \(run)")
        let report = try cli.table("staff.report.csv")
        let tallied = tally(statuses(report))
        #expect(tallied == ["would-update": 1, "unchanged": 38, "would-recover": 1, "would-create": 1, "invalid": 1, "would-delete": 1],
                "\(tallied)")
        #expect(report.cell(0, "changes") == "name")
        let summary = try summaryJSON(cli, "plan.json")
        let counts = (summary["counts"] as? [String: Int]) ?? [:]
        #expect(counts == tallied, "the summary counts what the report shows: \(summary)")
        for (status, n) in tallied { #expect(run.err.contains("\(n) \(status)"), "the printed summary names \(n) \(status): \(run.err)") }
        let after = try emulator.stats()
        for key in ["creates", "updates", "deletes", "recovers"] { #expect(after[key] == before[key], "\(key): nothing changed") }
    }
}
