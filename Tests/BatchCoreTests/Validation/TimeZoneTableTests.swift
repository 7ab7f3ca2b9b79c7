import Testing
@testable import BatchCore
@testable import BatchModel
@testable import BatchRules

/// cli.md's time zone rule: a Windows zone id of OnSched's list, an IANA name sent as its
/// Windows id, anything else invalid with the closest names suggested.
@Suite struct TimeZoneTableTests {
    @Test func theBuiltInCopyHasEveryWindowsZoneOnce() {
        let table = TimeZoneTable.builtIn
        #expect(table.count == WindowsTimeZones.entries.count)
        #expect(table.count >= 130)
        #expect(Set(WindowsTimeZones.entries.map(\.timezoneId)).count == WindowsTimeZones.entries.count)
    }

    @Test func windowsIdsAreKeptAndIANANamesMapped() {
        let table = TimeZoneTable.builtIn
        #expect(table.resolve("W. Europe Standard Time") == .windowsId("W. Europe Standard Time"))
        #expect(table.resolve("eastern standard time") == .windowsId("Eastern Standard Time"))
        #expect(table.resolve("Europe/Berlin") == .mapped(windowsId: "W. Europe Standard Time"))
        #expect(table.resolve("europe/berlin") == .mapped(windowsId: "W. Europe Standard Time"))
        #expect(table.resolve("America/New_York") == .mapped(windowsId: "Eastern Standard Time"))
        // CLDR's other names for a zone, old spellings included.
        #expect(table.resolve("Europe/Madrid") == .mapped(windowsId: "Romance Standard Time"))
        #expect(table.resolve("Asia/Calcutta") == .mapped(windowsId: "India Standard Time"))
        #expect(table.resolve("Asia/Kolkata") == .mapped(windowsId: "India Standard Time"))
        #expect(table.resolve("UTC") == .windowsId("UTC"))
    }

    @Test func anythingElseIsUnknownWithTheClosestNames() {
        let table = TimeZoneTable.builtIn
        guard case .unknown(let berlin) = table.resolve("Berlin") else {
            Issue.record("Berlin resolved")
            return
        }
        #expect(berlin.first == "W. Europe Standard Time (Europe/Berlin)")
        guard case .unknown(let typo) = table.resolve("Estern Standard Time") else {
            Issue.record("a typo resolved")
            return
        }
        #expect(typo.first?.hasPrefix("Eastern Standard Time") == true, "\(typo)")
        guard case .unknown(let newYork) = table.resolve("New York") else {
            Issue.record("New York resolved")
            return
        }
        #expect(newYork.first == "Eastern Standard Time (America/New_York)")
        guard case .unknown(let nonsense) = table.resolve("qqqqqqqqqqqq") else {
            Issue.record("nonsense resolved")
            return
        }
        #expect(nonsense.isEmpty)
    }

    @Test func theAPIsListDecidesAndItsIANANamesWin() {
        // A tenant whose list has two zones: only those are valid, with the list's IANA names.
        let table = TimeZoneTable(entries: [
            TimeZoneEntry(timezoneId: "W. Europe Standard Time", timezoneIana: "Europe/Berlin"),
            TimeZoneEntry(timezoneId: "Pacific Standard Time", timezoneIana: "America/Los_Angeles"),
        ])
        #expect(table.count == 2)
        #expect(table.resolve("Europe/Rome") == .mapped(windowsId: "W. Europe Standard Time"))
        #expect(table.resolve("America/Vancouver") == .mapped(windowsId: "Pacific Standard Time"))
        guard case .unknown(let suggestions) = table.resolve("America/New_York") else {
            Issue.record("a zone outside the list resolved")
            return
        }
        #expect(!suggestions.contains { $0.hasPrefix("Eastern") })
    }

    @Test func theValidatorSendsTheWindowsIdAndRefusesTheRest() {
        var v = validator()
        let iana = v.validate(record([.name: "A", .email: "a@x.example", .timezoneId: "Europe/Berlin"]))
        #expect(iana.isValid)
        #expect(iana.payload.timezoneId == "W. Europe Standard Time")
        let windows = v.validate(record([.name: "A", .email: "a@x.example", .timezoneId: "Eastern Standard Time"]))
        #expect(windows.isValid)
        #expect(windows.mappedTimezoneId == nil)
        #expect(windows.payload.timezoneId == "Eastern Standard Time")
        let berlin = v.validate(record([.name: "A", .email: "a@x.example", .timezoneId: "Berlin"]))
        #expect(errorFields(berlin) == ["timezoneId"])
        #expect(berlin.issues.reportMessage.contains("did you mean W. Europe Standard Time (Europe/Berlin)"))
        // The second time a text is seen it is remembered, with the same outcome.
        #expect(errorFields(v.validate(record([.name: "B", .email: "b@x.example", .timezoneId: "Berlin"]))) == ["timezoneId"])
        #expect(v.validate(record([.name: "B", .email: "b@x.example", .timezoneId: "Europe/Berlin"])).payload.timezoneId == "W. Europe Standard Time")
        #expect(v.validate(record([.name: "B", .email: "b@x.example", .timezoneId: "#clear"])).isValid)

        var o = ValidationOptions()
        o.timeZones = TimeZoneTable(entries: [TimeZoneEntry(timezoneId: "UTC", timezoneIana: "Etc/UTC")])
        var strict = ResourceValidator(options: o)
        #expect(errorFields(strict.validate(record([.name: "A", .email: "a@x.example", .timezoneId: "Europe/Berlin"]))) == ["timezoneId"])
        #expect(strict.validate(record([.name: "A", .email: "a@x.example", .timezoneId: "Etc/UTC"])).payload.timezoneId == "UTC")
    }
}
