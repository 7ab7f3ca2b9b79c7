import Testing
@testable import BatchModel
@testable import BatchRules

/// `ResourceValidator.payload(for:defaultLocationId:)` leaves out the nested objects none of
/// whose fields a row gives or clears without asking for each field (issue 17). Checked against
/// the way it was built before: every field asked for, each object kept when not empty.
@Suite struct PayloadBuilderTests {
    /// The builder as it was before the masks (e75896c), kept here as the reference.
    static func reference(for input: ResourceInput, defaultLocationId: String?) -> ResourcePayload {
        var payload = ResourcePayload()
        var options = ResourceOptions()
        var address = ResourceAddress()
        var contact = ResourceContact()
        var custom = ResourceCustomFields()
        func text(_ field: ResourceField) -> String? { input.isCleared(field) ? "" : input[field] }
        payload.name = input[.name]
        payload.email = input[.email]
        payload.description = text(.description)
        payload.timezoneId = text(.timezoneId)
        payload.locationId = input[.locationId] ?? defaultLocationId
        payload.groupId = text(.groupId)
        options.googleCalendarId = text(.googleCalendarId)
        options.outlookCalendarId = text(.outlookCalendarId)
        options.calendarAvailability = input[.calendarAvailability].flatMap(ResourceValidator.availability)
        options.notificationType = input[.notificationType].flatMap { Int($0) }
        options.bookingNotification = input[.bookingNotification].flatMap { Int($0) }
        options.sortKey = input[.sortKey].flatMap { Int($0) }
        options.ignoreBusinessHours = input[.ignoreBusinessHours].flatMap(ResourceValidator.boolean)
        options.hourly = input[.hourly].flatMap(ResourceValidator.hourly)
        options.effectiveDate = input.isCleared(.effectiveDate) ? "" : input[.effectiveDate].flatMap {
            ResourceValidator.isISODate($0) ? $0 : nil
        }
        options.displayColor = text(.displayColor)
        options.bioLink = text(.bioLink)
        options.gender = text(.gender)
        contact.businessPhone = text(.businessPhone)
        contact.businessPhoneExt = text(.businessPhoneExt)
        contact.mobilePhone = text(.mobilePhone)
        contact.homePhone = text(.homePhone)
        contact.phoneType = text(.phoneType)
        contact.skypeUsername = text(.skypeUsername)
        contact.conferenceInfo = text(.conferenceInfo)
        address.addressLine1 = text(.addressLine1)
        address.addressLine2 = text(.addressLine2)
        address.city = text(.city)
        address.state = text(.state)
        address.postalCode = text(.postalCode)
        address.country = text(.country)
        for n in 1...10 { custom[n] = text(ResourceValidator.customFields[n - 1]) }
        if let ids = input.serviceIds { payload.serviceIds = ids.compactMap(ResourceValidator.serviceId) }
        if !options.isEmpty { payload.options = options }
        if !address.isEmpty { payload.address = address }
        if !contact.isEmpty { payload.contact = contact }
        if !custom.isEmpty { payload.customFields = custom }
        return payload
    }

    struct Rng {
        var state: UInt64
        mutating func below(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    @Test func theMaskedBuilderEqualsAskingForEveryField() {
        let values = ["x", "Ana Li", "1", "2", "0", "yes", "false", "12.5", "2026-01-31", "2026-13-40", "#ff0000", "84325",
                      " 7 ", "a@gmail.com", "é😀"]
        var r = Rng(state: 11)
        for round in 0..<3000 {
            var input = ResourceInput()
            // Sparse rows (one or two fields of a group) as often as full ones.
            let count = round % 3 == 0 ? r.below(ResourceField.allCases.count) : r.below(4)
            for _ in 0..<count {
                let field = ResourceField.allCases[r.below(ResourceField.allCases.count)]
                if r.below(5) == 0 { input.markCleared(field) } else { input[field] = values[r.below(values.count)] }
            }
            if r.below(4) == 0 { input.serviceIds = ["1", " 2", "x"] }
            let location: String? = r.below(2) == 0 ? nil : "loc-1"
            let built = ResourceValidator.payload(for: input, defaultLocationId: location)
            #expect(built == Self.reference(for: input, defaultLocationId: location), "round \(round)")
        }
    }

    @Test func eachGroupIsBuiltFromAnyOneOfItsFields() {
        for field in ResourceField.allCases {
            var given = ResourceInput()
            given[field] = field == .calendarAvailability ? "1" : field == .effectiveDate ? "2026-01-31" : "7"
            #expect(ResourceValidator.payload(for: given, defaultLocationId: nil) == Self.reference(for: given, defaultLocationId: nil),
                    "\(field) given")
            var cleared = ResourceInput()
            cleared.markCleared(field)
            #expect(ResourceValidator.payload(for: cleared, defaultLocationId: nil) == Self.reference(for: cleared, defaultLocationId: nil),
                    "\(field) cleared")
        }
    }
}
