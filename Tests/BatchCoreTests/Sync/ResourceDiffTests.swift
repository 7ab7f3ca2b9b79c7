import Testing
@testable import BatchCore

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
}
