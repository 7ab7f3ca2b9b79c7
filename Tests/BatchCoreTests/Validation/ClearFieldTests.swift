import Testing
@testable import BatchCore

/// `#clear` in a CSV cell (cli.md, Sync: clearing a field).
@Suite struct ClearFieldTests {
    @Test func clearMarkerInAnyCaseClearsATextFieldSentEmpty() {
        var v = validator()
        let r = v.validate(record([.name: "Ana", .email: "ana@x.example", .description: "#CLEAR",
                                   .googleCalendarId: "#clear", .customField3: "#Clear", .city: "#clearly"]))
        #expect(r.isValid, "\(r.issues)")
        #expect(r.record.input.clearedFields == [.description, .googleCalendarId, .customField3])
        #expect(r.provider == nil, "a cleared calendar is no calendar")
        let p = r.payload
        #expect(p.description == "")
        #expect(p.options?.googleCalendarId == "")
        #expect(p.customFields?[3] == "")
        #expect(p.address?.city == "#clearly", "only the exact marker clears")
    }

    @Test func requiredAndNumericFieldsCannotBeCleared() {
        var v = validator()
        let r = v.validate(record([.name: "#clear", .email: "ana@x.example", .sortKey: "#clear"]))
        #expect(!r.isValid)
        #expect(Set(errorFields(r)) == ["name", "sortKey"], "\(r.issues)")
        #expect(r.issues.reportMessage.contains("cannot be cleared"))
    }

    @Test func aClearedCalendarLetsTheOtherProviderBeGiven() {
        var v = validator()
        let r = v.validate(record([.name: "Ana", .email: "ana@x.example", .googleCalendarId: "#clear",
                                   .outlookCalendarId: "ana@outlook.com", .calendarAvailability: "2"]))
        #expect(r.isValid, "\(r.issues)")
        #expect(r.provider == .outlook)
        #expect(r.payload.options?.googleCalendarId == "")
    }
}
