import Foundation
import TestSupport
import Testing

/// Issue 14 end to end: the binary against an emulator that follows onsched-api.md's settled
/// facts (several locations, options inside `options{}`, Windows time zone ids).
@Suite struct PublishedAPITests {
    @Test func aLostCreateInASecondLocationIsLookedUpThereAndNotRepeated() throws {
        // Every create may be applied and then answered 502: the look-up must search location 7.
        let emulator = try LoopbackEmulator(faults: "commit-then-fail=0.4", seed: 5)
        defer { emulator.stop() }
        try emulator.seed([["name": "Primary Person", "email": "primary@example.com"]])
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", peopleCSV(30))
        let result = try cli.run(["import", "people.csv", "--rate", "200", "--chunk-size", "5", "--max-retries", "20",
                                  "--location-id", "7", "--hosting-check", "off"] + emulator.apiArguments)
        #expect(result.status == 0, "\(result)")
        let report = try cli.table("people.report.csv")
        #expect(tally(statuses(report)) == ["created": 30], "\(report.rows.prefix(3))")
        let resources = try emulator.resources()
        let seven = resources.filter { $0["locationId"] as? String == "7" }
        #expect(seven.count == 30, "exactly one resource per person: \(emails(of: seven).sorted())")
        #expect(Set(emails(of: seven)).count == 30)
        #expect(try emulator.stats()["faults"] ?? 0 > 0, "some creates were answered 502 after being applied")
    }

    @Test func anExportKeepsDisplayColorAnsweredInsideOptions() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", "name,email,displayColor,phoneType,mobilePhone,serviceIds\nAna,ana@example.com,#ff8800,mobile,555,84325;7\n")
        let imported = try cli.run(["import", "people.csv", "--rate", "100", "--hosting-check", "off"] + emulator.apiArguments)
        #expect(imported.status == 0, "\(imported)")
        let stored = try #require(emulator.resources().first)
        #expect(stored["displayColor"] == nil, "the emulator answers options inside options{} only")
        #expect((stored["options"] as? [String: Any])?["displayColor"] as? String == "#ff8800")
        #expect((stored["contact"] as? [String: Any])?["phoneType"] as? String == "mobile")
        #expect((stored["services"] as? [[String: Any]])?.compactMap { $0["serviceId"] as? Int } == [84325, 7])

        let export = try cli.run(["export", "--out", "all.csv", "--quiet"] + emulator.apiArguments)
        #expect(export.status == 0, "\(export)")
        let table = try cli.table("all.csv")
        #expect(table.cell(0, "displayColor") == "#ff8800")
        #expect(table.cell(0, "phoneType") == "mobile")
        #expect(table.cell(0, "serviceIds") == "84325;7")
    }

    @Test func timeZonesAreWindowsIdsAndIANANamesAreSentAsThem() throws {
        let input = "name,email,timezoneId\nBerta,berta@example.com,Berlin\nEmil,emil@example.com,Europe/Berlin\nEve,eve@example.com,Eastern Standard Time\n"
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        try cli.write("people.csv", input)
        // validate, without the API: the built-in copy of the list.
        let validate = try cli.run(["validate", "people.csv", "--hosting-check", "off"])
        #expect(validate.status == 1, "\(validate)")
        let report = try cli.table("people.report.csv")
        #expect(statuses(report) == ["invalid", "valid", "valid"])
        let message = report.cell(0, "message") ?? ""
        #expect(message.contains("timezoneId"), "\(message)")
        #expect(message.contains("W. Europe Standard Time (Europe/Berlin)"), "the closest name is suggested: \(message)")

        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        cli.useCredentials()
        let imported = try cli.run(["import", "people.csv", "--rate", "100", "--hosting-check", "off"] + emulator.apiArguments)
        #expect(imported.status == 1, "\(imported)")
        let byEmail = Dictionary(uniqueKeysWithValues: try emulator.resources().map { ($0["email"] as! String, $0) })
        #expect(byEmail["berta@example.com"] == nil, "an invalid time zone is never sent")
        #expect(byEmail["emil@example.com"]?["timezoneId"] as? String == "W. Europe Standard Time")
        #expect(byEmail["emil@example.com"]?["timezoneIana"] as? String == "Europe/Berlin")
        #expect(byEmail["eve@example.com"]?["timezoneId"] as? String == "Eastern Standard Time")
    }
}
