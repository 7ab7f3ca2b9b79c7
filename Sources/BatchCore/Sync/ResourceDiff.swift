import BatchModel
/// A matched row compared with the tenant's resource: the fields the row gives that differ, and
/// the update to send for them.
///
/// Only fields the row gives count (a blank cell means "not given"). E-mail addresses and calendar
/// ids compare without regard to case, as the services that own them do. The update carries the
/// row's fields, except a calendar id equal to the resource's: sending it again could disturb an
/// authorization the person already gave.
public struct ResourceDiff: Sendable, Equatable {
    /// The differing fields by their import column names, in column order (`name`, `googleCalendarId`).
    public var fields: [String]
    /// What an update sends: the row's payload without unchanged calendar ids.
    public var payload: ResourcePayload

    /// Whether every given field equals the resource's.
    public var isEmpty: Bool { fields.isEmpty }

    /// The report's `changes` cell.
    public var summary: String { fields.joined(separator: "; ") }

    public init(fields: [String], payload: ResourcePayload) {
        self.fields = fields
        self.payload = payload
    }

    /// Compares `payload` (a row's body) with `resource` (as the tenant's list gave it).
    public static func compare(_ payload: ResourcePayload, with resource: Resource) -> ResourceDiff {
        let payload = switchingProvider(payload, from: resource)
        var fields: [String] = []
        func text(_ name: String, _ given: String?, _ current: String?, ignoringCase: Bool = false) {
            guard let given else { return }
            let a = ignoringCase ? given.lowercased() : given
            let b = ignoringCase ? (current ?? "").lowercased() : (current ?? "")
            if a != b { fields.append(name) }
        }
        func value<T: Equatable>(_ name: String, _ given: T?, _ current: T?) {
            guard let given else { return }
            if given != current { fields.append(name) }
        }
        text("name", payload.name, resource.name)
        text("email", payload.email, resource.email, ignoringCase: true)
        text("description", payload.description, resource.description)
        text("timezoneId", payload.timezoneId, resource.timezoneId)
        text("groupId", payload.groupId, resource.groupId)
        let options = payload.options ?? ResourceOptions()
        text("googleCalendarId", options.googleCalendarId, resource.googleCalendarId, ignoringCase: true)
        text("outlookCalendarId", options.outlookCalendarId, resource.outlookCalendarId, ignoringCase: true)
        value("calendarAvailability", options.calendarAvailability, resource.calendarAvailability)
        value("notificationType", options.notificationType, resource.notificationType)
        value("bookingNotification", options.bookingNotification, resource.bookingNotification)
        value("sortKey", options.sortKey, resource.sortKey)
        value("ignoreBusinessHours", options.ignoreBusinessHours, resource.ignoreBusinessHours)
        text("displayColor", options.displayColor, resource.displayColor)
        text("bioLink", options.bioLink, resource.bioLink)
        text("gender", options.gender, resource.gender)
        value("hourly", options.hourly, resource.hourly)
        text("effectiveDate", options.effectiveDate, resource.effectiveDate)
        let contact = payload.contact ?? ResourceContact(), hasContact = resource.contact ?? ResourceContact()
        text("businessPhone", contact.businessPhone, hasContact.businessPhone)
        text("businessPhoneExt", contact.businessPhoneExt, hasContact.businessPhoneExt)
        text("mobilePhone", contact.mobilePhone, hasContact.mobilePhone)
        text("homePhone", contact.homePhone, hasContact.homePhone)
        text("phoneType", contact.phoneType, hasContact.phoneType)
        text("skypeUsername", contact.skypeUsername, hasContact.skypeUsername)
        text("conferenceInfo", contact.conferenceInfo, hasContact.conferenceInfo)
        let address = payload.address ?? ResourceAddress(), hasAddress = resource.address ?? ResourceAddress()
        text("addressLine1", address.addressLine1, hasAddress.addressLine1)
        text("addressLine2", address.addressLine2, hasAddress.addressLine2)
        text("city", address.city, hasAddress.city)
        text("state", address.state, hasAddress.state)
        text("postalCode", address.postalCode, hasAddress.postalCode)
        text("country", address.country, hasAddress.country)
        let custom = payload.customFields ?? ResourceCustomFields(), hasCustom = resource.customFields ?? ResourceCustomFields()
        for n in 1...10 { text("customField\(n)", custom[n], hasCustom[n]) }
        if let given = payload.serviceIds {
            // Compared as texts, so ids sent as numbers and listed as strings (or the reverse) agree.
            let current = Set((resource.serviceIds ?? []).map { "\($0)" })
            if Set(given.map { "\($0)" }) != current { fields.append("serviceIds") }
        }

        var update = payload
        if var o = update.options {
            if !fields.contains("googleCalendarId") { o.googleCalendarId = nil }
            if !fields.contains("outlookCalendarId") { o.outlookCalendarId = nil }
            update.options = o.isEmpty ? nil : o
        }
        return ResourceDiff(fields: fields, payload: update)
    }

    /// A resource has one external calendar: a row giving an Outlook id to a resource with a
    /// Google one (or the reverse) clears the other id in the same update. `calendarAvailability`
    /// follows the row, or becomes the new provider's value when the row gives none and the old
    /// value pointed at the old provider.
    static func switchingProvider(_ payload: ResourcePayload, from resource: Resource) -> ResourcePayload {
        guard var o = payload.options else { return payload }
        let hadGoogle = !(resource.googleCalendarId ?? "").isEmpty
        let hadOutlook = !(resource.outlookCalendarId ?? "").isEmpty
        let givesGoogle = !(o.googleCalendarId ?? "").isEmpty
        let givesOutlook = !(o.outlookCalendarId ?? "").isEmpty
        if givesOutlook && hadGoogle && o.googleCalendarId == nil {
            o.googleCalendarId = ""
            if o.calendarAvailability == nil && resource.calendarAvailability == 1 { o.calendarAvailability = 2 }
        } else if givesGoogle && hadOutlook && o.outlookCalendarId == nil {
            o.outlookCalendarId = ""
            if o.calendarAvailability == nil && resource.calendarAvailability == 2 { o.calendarAvailability = 1 }
        }
        var switched = payload
        switched.options = o
        return switched
    }
}
