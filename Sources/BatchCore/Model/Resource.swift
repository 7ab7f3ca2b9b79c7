import Foundation

/// A resource as the API returns it (`ResourceViewModel`).
///
/// Decoding is lenient: every field is optional, numbers may arrive as strings and strings as
/// numbers, because the public description of the API is incomplete and a strict decoder would
/// turn a harmless surprise into a failed run.
///
/// Options (`displayColor`, the calendar settings, `sortKey`, …) are read from inside the answer's
/// `options{}`, where the API answers them (onsched-api.md); the top level is only a fallback
/// for the ones the view model also repeats there. `serviceIds` come from `services[].serviceId`.
public struct Resource: Sendable, Equatable, Codable {
    public var id: String?
    public var locationId: String?
    public var name: String?
    public var email: String?
    public var description: String?
    public var imageUrl: String?
    public var bioLink: String?
    public var gender: String?
    public var skypeName: String?
    public var timezoneId: String?
    public var timezoneIana: String?
    public var groupId: String?
    public var timezoneOffset: Int?
    public var hourly: Double?
    public var deletedStatus: Bool?
    public var deletedTime: String?
    public var effectiveDate: String?
    public var ignoreBusinessHours: Bool?
    public var sortKey: Int?
    public var notificationType: Int?
    public var bookingNotification: Int?
    public var displayColor: String?
    public var calendarAvailability: Int?
    public var googleCalendarId: String?
    public var googleCalendarAuthUrl: String?
    public var googleCalendarAuthorized: Bool?
    public var outlookCalendarId: String?
    public var outlookCalendarAuthUrl: String?
    public var outlookCalendarAuthorized: Bool?
    public var address: ResourceAddress?
    public var contact: ResourceContact?
    public var customFields: ResourceCustomFields?
    public var serviceIds: [Int]?

    public init(id: String? = nil, name: String? = nil, email: String? = nil) {
        self.id = id
        self.name = name
        self.email = email
    }

    enum CodingKeys: String, CodingKey {
        case id, locationId, name, email, description, imageUrl, bioLink, gender, skypeName, timezoneId,
            timezoneIana, groupId, timezoneOffset, hourly, deletedStatus, deletedTime, effectiveDate,
            ignoreBusinessHours, sortKey, notificationType, bookingNotification, displayColor,
            calendarAvailability, googleCalendarId, googleCalendarAuthUrl, googleCalendarAuthorized,
            outlookCalendarId, outlookCalendarAuthUrl, outlookCalendarAuthorized, address, contact,
            customFields, services, serviceIds, options
    }

    private struct ServiceRef: Decodable {
        var serviceId: LenientString?
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func str(_ k: CodingKeys) -> String? { (try? c.decodeIfPresent(LenientString.self, forKey: k))??.value }
        func int(_ k: CodingKeys) -> Int? { (try? c.decodeIfPresent(LenientNumber.self, forKey: k))??.int }
        func dbl(_ k: CodingKeys) -> Double? { (try? c.decodeIfPresent(LenientNumber.self, forKey: k))??.double }
        func bool(_ k: CodingKeys) -> Bool? { (try? c.decodeIfPresent(LenientBool.self, forKey: k))??.value }
        // `options{}` first, the top level as a fallback.
        let o = try? c.nestedContainer(keyedBy: CodingKeys.self, forKey: .options)
        func optStr(_ k: CodingKeys) -> String? {
            (o.flatMap { (try? $0.decodeIfPresent(LenientString.self, forKey: k))??.value }) ?? str(k)
        }
        func optInt(_ k: CodingKeys) -> Int? {
            (o.flatMap { (try? $0.decodeIfPresent(LenientNumber.self, forKey: k))??.int }) ?? int(k)
        }
        func optDbl(_ k: CodingKeys) -> Double? {
            (o.flatMap { (try? $0.decodeIfPresent(LenientNumber.self, forKey: k))??.double }) ?? dbl(k)
        }
        func optBool(_ k: CodingKeys) -> Bool? {
            (o.flatMap { (try? $0.decodeIfPresent(LenientBool.self, forKey: k))??.value }) ?? bool(k)
        }
        id = str(.id)
        locationId = str(.locationId)
        name = str(.name)
        email = str(.email)
        description = str(.description)
        imageUrl = str(.imageUrl)
        bioLink = optStr(.bioLink)
        gender = optStr(.gender)
        skypeName = str(.skypeName)
        timezoneId = str(.timezoneId)
        timezoneIana = str(.timezoneIana)
        groupId = str(.groupId)
        timezoneOffset = int(.timezoneOffset)
        hourly = optDbl(.hourly)
        deletedStatus = bool(.deletedStatus)
        deletedTime = str(.deletedTime)
        effectiveDate = optStr(.effectiveDate)
        ignoreBusinessHours = optBool(.ignoreBusinessHours)
        sortKey = optInt(.sortKey)
        notificationType = optInt(.notificationType)
        bookingNotification = optInt(.bookingNotification)
        displayColor = optStr(.displayColor)
        calendarAvailability = optInt(.calendarAvailability)
        googleCalendarId = optStr(.googleCalendarId)
        googleCalendarAuthUrl = str(.googleCalendarAuthUrl)
        googleCalendarAuthorized = bool(.googleCalendarAuthorized)
        outlookCalendarId = optStr(.outlookCalendarId)
        outlookCalendarAuthUrl = str(.outlookCalendarAuthUrl)
        outlookCalendarAuthorized = bool(.outlookCalendarAuthorized)
        address = try? c.decodeIfPresent(ResourceAddress.self, forKey: .address)
        contact = try? c.decodeIfPresent(ResourceContact.self, forKey: .contact)
        customFields = try? c.decodeIfPresent(ResourceCustomFields.self, forKey: .customFields)
        if let services = try? c.decodeIfPresent([ServiceRef].self, forKey: .services) {
            serviceIds = services.compactMap { $0.serviceId?.value.flatMap { Int($0) } }
        } else if let ids = try? c.decodeIfPresent([LenientString].self, forKey: .serviceIds) {
            serviceIds = ids.compactMap { $0.value.flatMap { Int($0) } }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encodeIfPresent(locationId, forKey: .locationId)
        try c.encodeIfPresent(name, forKey: .name)
        try c.encodeIfPresent(email, forKey: .email)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(imageUrl, forKey: .imageUrl)
        try c.encodeIfPresent(bioLink, forKey: .bioLink)
        try c.encodeIfPresent(gender, forKey: .gender)
        try c.encodeIfPresent(skypeName, forKey: .skypeName)
        try c.encodeIfPresent(timezoneId, forKey: .timezoneId)
        try c.encodeIfPresent(timezoneIana, forKey: .timezoneIana)
        try c.encodeIfPresent(groupId, forKey: .groupId)
        try c.encodeIfPresent(timezoneOffset, forKey: .timezoneOffset)
        try c.encodeIfPresent(hourly, forKey: .hourly)
        try c.encodeIfPresent(deletedStatus, forKey: .deletedStatus)
        try c.encodeIfPresent(deletedTime, forKey: .deletedTime)
        try c.encodeIfPresent(effectiveDate, forKey: .effectiveDate)
        try c.encodeIfPresent(ignoreBusinessHours, forKey: .ignoreBusinessHours)
        try c.encodeIfPresent(sortKey, forKey: .sortKey)
        try c.encodeIfPresent(notificationType, forKey: .notificationType)
        try c.encodeIfPresent(bookingNotification, forKey: .bookingNotification)
        try c.encodeIfPresent(displayColor, forKey: .displayColor)
        try c.encodeIfPresent(calendarAvailability, forKey: .calendarAvailability)
        try c.encodeIfPresent(googleCalendarId, forKey: .googleCalendarId)
        try c.encodeIfPresent(googleCalendarAuthUrl, forKey: .googleCalendarAuthUrl)
        try c.encodeIfPresent(googleCalendarAuthorized, forKey: .googleCalendarAuthorized)
        try c.encodeIfPresent(outlookCalendarId, forKey: .outlookCalendarId)
        try c.encodeIfPresent(outlookCalendarAuthUrl, forKey: .outlookCalendarAuthUrl)
        try c.encodeIfPresent(outlookCalendarAuthorized, forKey: .outlookCalendarAuthorized)
        try c.encodeIfPresent(address, forKey: .address)
        try c.encodeIfPresent(contact, forKey: .contact)
        try c.encodeIfPresent(customFields, forKey: .customFields)
        try c.encodeIfPresent(serviceIds, forKey: .serviceIds)
    }
}

/// A JSON value read as a string whether it arrived as a string, a number or a bool.
struct LenientString: Decodable {
    var value: String?
    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = nil }
        else if let s = try? c.decode(String.self) { value = s }
        else if let i = try? c.decode(Int.self) { value = String(i) }
        else if let d = try? c.decode(Double.self) { value = String(d) }
        else if let b = try? c.decode(Bool.self) { value = String(b) }
        else { value = nil }
    }
}

/// A JSON number that may arrive as a string.
package struct LenientNumber: Decodable {
    package var double: Double?
    package var int: Int? { double.flatMap { $0.isFinite && $0 == $0.rounded() && abs($0) < 1e15 ? Int($0) : nil } }
    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { double = nil }
        else if let d = try? c.decode(Double.self) { double = d }
        else if let s = try? c.decode(String.self) { double = Double(s.trimmingCharacters(in: .whitespaces)) }
        else { double = nil }
    }
}

/// A JSON bool that may arrive as a string or a 0/1 number.
package struct LenientBool: Decodable {
    package var value: Bool?
    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = nil }
        else if let b = try? c.decode(Bool.self) { value = b }
        else if let i = try? c.decode(Int.self) { value = i != 0 }
        else if let s = try? c.decode(String.self) { value = ["true", "1", "yes"].contains(s.lowercased()) }
        else { value = nil }
    }
}
