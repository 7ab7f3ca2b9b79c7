/// One resource as the emulator stores it, and its `ResourceViewModel` JSON (onsched-api.md).
struct EmulatedResource: Sendable, Equatable {
    static let addressKeys = ["addressLine1", "addressLine2", "city", "state", "postalCode", "country"]
    /// The contact as stored and answered (`phoneType`; the input model calls it `preferredPhoneType`).
    static let contactKeys = ["businessPhone", "businessPhoneExt", "homePhone", "mobilePhone", "phoneType", "skypeUsername", "conferenceInfo"]
    /// What the answer's `contact.phone{}` repeats.
    static let phoneKeys = ["businessPhone", "businessPhoneExt", "homePhone", "mobilePhone", "phoneType"]
    static let customFieldKeys = (1...10).map { "field\($0)" }
    static let dayKeys = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    var id: Int
    var locationId: String
    var name = ""
    var email = ""
    var description = ""
    var timezoneId = ""
    var imageUrl = ""
    var skypeName = ""
    var groupId: Int?
    var deletedStatus = false
    var deletedTime: String?

    // `options` on input
    var calendarAvailability = 0
    var notificationType = 0
    var bookingNotification = 0
    var sortKey = 0
    var ignoreBusinessHours = false
    var displayColor = ""
    var bioLink = ""
    var gender = ""
    var hourly: Double?
    var effectiveDate: String?

    // calendars (read-only at the top level of the view)
    var googleCalendarId: String?
    var googleCalendarAuthorized = false
    /// The return URL given with the last call that set the Google calendar id (goes into the link).
    var googleAuthReturnUrl: String?
    var outlookCalendarId: String?
    var outlookCalendarAuthorized = false
    /// The return URL given with the last call that set the Outlook calendar id.
    var outlookAuthReturnUrl: String?

    var address: [String: JSONValue] = [:]
    var contact: [String: JSONValue] = [:]
    var customFields: [String: JSONValue] = [:]
    var availability: [String: JSONValue] = [:]
    var serviceIds: [Int] = []

    init(id: Int, locationId: String) {
        self.id = id
        self.locationId = locationId
    }

    /// The link to authorize the Google calendar, while it is set and not yet authorized, with
    /// the return URL of the call that set it.
    var googleCalendarAuthUrl: String? {
        googleCalendarAuthUrl(returnUrl: googleAuthReturnUrl ?? "")
    }

    /// The link to authorize the Outlook calendar, while it is set and not yet authorized.
    var outlookCalendarAuthUrl: String? {
        outlookCalendarAuthUrl(returnUrl: outlookAuthReturnUrl ?? "")
    }

    func googleCalendarAuthUrl(returnUrl: String) -> String? {
        guard let calendar = googleCalendarId, !googleCalendarAuthorized else { return nil }
        return CalendarAuthURL.make(.google, resourceId: id, calendarId: calendar, returnUrl: returnUrl)
    }

    func outlookCalendarAuthUrl(returnUrl: String) -> String? {
        guard let calendar = outlookCalendarId, !outlookCalendarAuthorized else { return nil }
        return CalendarAuthURL.make(.outlook, resourceId: id, calendarId: calendar, returnUrl: returnUrl)
    }

    /// The `ResourceViewModel` a write answers with: links carry the return URLs stored when the
    /// calendar was set.
    var view: JSONValue { view(links: nil) }

    /// The `ResourceViewModel`. With `links` (the return URLs of a list, `GET /{id}` or recover
    /// call), a link is answered only for a provider whose return URL the call gave, built
    /// with that URL; without, links use the stored return URLs.
    func view(links: ResourceStore.ReturnURLs?) -> JSONValue {
        let googleLink: String?
        let outlookLink: String?
        if let links {
            googleLink = links.google.flatMap { $0.isEmpty ? nil : googleCalendarAuthUrl(returnUrl: $0) }
            outlookLink = links.outlook.flatMap { $0.isEmpty ? nil : outlookCalendarAuthUrl(returnUrl: $0) }
        } else {
            googleLink = googleCalendarAuthUrl
            outlookLink = outlookCalendarAuthUrl
        }
        var object: [String: JSONValue] = [
            "object": .string("resource"),
            "id": .string(String(id)),
            "locationId": .string(locationId),
            "name": .string(name),
            "email": .string(email),
            "description": .string(description),
            "imageUrl": .string(imageUrl),
            "bioLink": .string(bioLink),
            "gender": .string(gender),
            "skypeName": .string(skypeName),
            "timezoneId": .string(timezoneId),
            "timezoneIana": .string(TimeZoneCatalog.iana(of: timezoneId) ?? timezoneId),
            "groupId": .int(groupId),
            "timezoneOffset": .null,
            "hourly": .double(hourly),
            "deletedStatus": .bool(deletedStatus),
            "deletedTime": .string(deletedTime),
            "effectiveDate": .string(effectiveDate),
            "ignoreBusinessHours": .bool(ignoreBusinessHours),
            "sortKey": .int(sortKey),
            "notificationType": .int(notificationType),
            "bookingNotification": .int(bookingNotification),
            "calendarAvailability": .int(calendarAvailability),
            "googleCalendarId": .string(googleCalendarId),
            "googleCalendarAuthUrl": .string(googleLink),
            "googleCalendarAuthorized": .bool(googleCalendarAuthorized),
            "outlookCalendarId": .string(outlookCalendarId),
            "outlookCalendarAuthUrl": .string(outlookLink),
            "outlookCalendarAuthorized": .bool(outlookCalendarAuthorized),
            // On output a service id is an int (on input, a string).
            "services": .array(serviceIds.map { serviceId in
                .object(["object": .string("service"), "serviceId": .int(serviceId), "serviceName": .string("Service \(serviceId)")])
            }),
        ]
        object["address"] = Self.section(address, keys: Self.addressKeys)
        // The answer names the phone type `phoneType` and repeats the phones in `phone{}`.
        var contactView = Self.section(contact, keys: Self.contactKeys).objectValue ?? [:]
        contactView["phone"] = Self.section(contact, keys: Self.phoneKeys)
        object["contact"] = .object(contactView)
        object["customFields"] = Self.section(customFields, keys: Self.customFieldKeys)
        object["availability"] = .object(availability)
        // Every option, `displayColor` among them, is answered here (and only here for `displayColor`).
        object["options"] = .object([
            "googleCalendarId": .string(googleCalendarId),
            "outlookCalendarId": .string(outlookCalendarId),
            "calendarAvailability": .int(calendarAvailability),
            "notificationType": .int(notificationType),
            "bookingNotification": .int(bookingNotification),
            "sortKey": .int(sortKey),
            "ignoreBusinessHours": .bool(ignoreBusinessHours),
            "displayColor": .string(displayColor),
            "bioLink": .string(bioLink),
            "gender": .string(gender),
            "hourly": .double(hourly),
            "effectiveDate": .string(effectiveDate),
        ])
        return .object(object)
    }

    /// What the data file keeps: the view's fields without what is derived (links, `options`,
    /// `services`) or at its default (null, "", false, empty), plus what the view does not show
    /// (return URLs, service ids). The file is rewritten after every change, so its size is the
    /// cost of a change; compact objects are a fraction of full views. `/emulator/seed` reads
    /// them back to the same resource.
    var persisted: JSONValue {
        guard case .object(let full) = view else { return view }
        var object: [String: JSONValue] = [:]
        for (key, value) in full {
            switch value {
            case .null, .bool(false): continue
            case .string(let s) where s.isEmpty: continue
            case .object(let fields):
                let kept = fields.filter { !$0.value.isNull }
                if !kept.isEmpty { object[key] = .object(kept) }
            default: object[key] = value
            }
        }
        for derived in ["object", "googleCalendarAuthUrl", "outlookCalendarAuthUrl", "timezoneIana", "options", "services"] {
            object[derived] = nil
        }
        if let url = googleAuthReturnUrl { object["googleAuthReturnUrl"] = .string(url) }
        if let url = outlookAuthReturnUrl { object["outlookAuthReturnUrl"] = .string(url) }
        if !serviceIds.isEmpty { object["serviceIds"] = .array(serviceIds.map { .string(String($0)) }) }
        if !displayColor.isEmpty { object["displayColor"] = .string(displayColor) }
        if case .object(var contact)? = object["contact"] {
            contact["phone"] = nil  // derived: repeats the phones
            object["contact"] = contact.isEmpty ? nil : .object(contact)
        }
        return .object(object)
    }

    private static func section(_ values: [String: JSONValue], keys: [String]) -> JSONValue {
        var object: [String: JSONValue] = [:]
        for key in keys { object[key] = values[key] ?? .null }
        return .object(object)
    }
}
