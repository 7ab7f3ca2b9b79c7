import Testing
@testable import BatchCore
@testable import BatchModel
@testable import BatchSync

@Suite struct ResourceDiffTests {
    @Test func onlyGivenFieldsCountAndNumbersCompareAsValues() {
        var r = Resource(id: "1", name: "Ana", email: "ana@example.com")
        r.description = "kept"
        r.calendarAvailability = 1
        r.serviceIds = [3, 4]
        var customs = ResourceCustomFields()
        customs[3] = "E-17"
        r.customFields = customs
        var p = ResourcePayload(name: "Ana", email: "ana@example.com", serviceIds: [4, 3])
        p.customFields = customs
        p.options = ResourceOptions(calendarAvailability: 1)
        #expect(ResourceDiff.compare(p, with: r).fields == [])
        p.options = ResourceOptions(calendarAvailability: 2)
        var other = ResourceCustomFields()
        other[3] = "E-18"
        p.customFields = other
        let diff = ResourceDiff.compare(p, with: r)
        #expect(diff.fields == ["calendarAvailability", "customField3"])
        #expect(diff.summary == "calendarAvailability; customField3")
    }

    @Test func anUnchangedCalendarIdIsLeftOutOfTheUpdate() {
        var r = Resource(id: "1", name: "Ana", email: "ana@example.com")
        r.googleCalendarId = "ana@example.com"
        let p = ResourcePayload(name: "Ana Li", email: "ana@example.com", options: ResourceOptions(googleCalendarId: "ANA@example.com"))
        let diff = ResourceDiff.compare(p, with: r)
        #expect(diff.fields == ["name"])
        #expect(diff.payload.options == nil)
        #expect(diff.payload.name == "Ana Li")
    }

    @Test func aClearedFieldChangesOnlyWhatHasAValue() {
        var r = Resource(id: "1", name: "Ana", email: "ana@example.com")
        r.description = "old"
        var p = ResourcePayload(name: "Ana", email: "ana@example.com", description: "")
        #expect(ResourceDiff.compare(p, with: r).fields == ["description"])
        r.description = nil
        #expect(ResourceDiff.compare(p, with: r).isEmpty)
        p.options = ResourceOptions(googleCalendarId: "")
        let none = ResourceDiff.compare(p, with: r)
        #expect(none.isEmpty && none.payload.options == nil, "clearing a calendar that is not there sends nothing")
    }

    @Test func googleToOutlookClearsGoogleAndMovesAvailability() {
        var r = Resource(id: "1", name: "Ana", email: "ana@example.com")
        r.googleCalendarId = "ana@gmail.com"
        r.calendarAvailability = 1
        let p = ResourcePayload(name: "Ana", email: "ana@example.com", options: ResourceOptions(outlookCalendarId: "ana@outlook.com"))
        let diff = ResourceDiff.compare(p, with: r)
        #expect(diff.fields == ["googleCalendarId", "outlookCalendarId", "calendarAvailability"])
        #expect(diff.payload.options == ResourceOptions(googleCalendarId: "", outlookCalendarId: "ana@outlook.com", calendarAvailability: 2))
        // Availability given by the row wins; an OnSched availability (0) stays.
        var own = p
        own.options?.calendarAvailability = 0
        #expect(ResourceDiff.compare(own, with: r).payload.options?.calendarAvailability == 0)
        r.calendarAvailability = 0
        #expect(ResourceDiff.compare(p, with: r).payload.options?.calendarAvailability == nil)
    }

    @Test func outlookToGoogleClearsOutlook() {
        var r = Resource(id: "1", name: "Ana", email: "ana@example.com")
        r.outlookCalendarId = "ana@outlook.com"
        r.calendarAvailability = 2
        let p = ResourcePayload(name: "Ana", email: "ana@example.com", options: ResourceOptions(googleCalendarId: "ana@gmail.com"))
        let diff = ResourceDiff.compare(p, with: r)
        #expect(diff.payload.options == ResourceOptions(googleCalendarId: "ana@gmail.com", outlookCalendarId: "", calendarAvailability: 1))
    }
}
