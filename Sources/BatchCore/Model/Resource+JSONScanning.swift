import JSONCodec

/// Reads a resource straight from the answer's bytes (issue 17): the same values as
/// `Resource.init(from:)` with `JSONDecoder` (which stays, as the reference the differential
/// tests compare against), at a fraction of the cost.
///
/// The rules, as `init(from:)` has them: every field lenient (`JSONLenient`); options read from
/// `options{}` first, the top level as the fallback; `address{}` and `customFields{}` strict
/// (one value that is neither a string nor null drops the whole object, as the synthesized
/// decoder throws and `try?` drops it); `serviceIds` from `services[].serviceId`, else from
/// `serviceIds[]`. A key given twice counts the first time, as `JSONDecoder` keeps the first.
extension Resource {
    /// The top-level keys `init(from:)` reads, in `CodingKeys` order (the options' keys are among them).
    private enum Field: Int, CaseIterable {
        case id, locationId, name, email, description, imageUrl, bioLink, gender, skypeName, timezoneId,
            timezoneIana, groupId, timezoneOffset, hourly, deletedStatus, deletedTime, effectiveDate,
            ignoreBusinessHours, sortKey, notificationType, bookingNotification, displayColor,
            calendarAvailability, googleCalendarId, googleCalendarAuthUrl, googleCalendarAuthorized,
            outlookCalendarId, outlookCalendarAuthUrl, outlookCalendarAuthorized, address, contact,
            customFields, services, serviceIds, options

        static let table = JSONKeyTable(Field.allCases.map { "\($0)" })

        /// The fields of `ResourceFieldSet.outcome` (with `options`, where three of them live), as bits.
        static let outcomeBits: UInt64 = [
            Field.id, .name, .email, .calendarAvailability, .googleCalendarId, .googleCalendarAuthUrl,
            .googleCalendarAuthorized, .outlookCalendarId, .outlookCalendarAuthUrl, .outlookCalendarAuthorized,
            .deletedStatus, .options,
        ].reduce(0) { $0 | 1 << $1.rawValue }

        static func bits(_ set: ResourceFieldSet) -> UInt64 {
            switch set {
            case .all: ~0
            case .outcome: outcomeBits
            }
        }

        /// The fields of `outcomeBits` in a table of their own: a reader of the outcome looks
        /// each key up among these 12 names, not all 35, and the table refuses most of the other
        /// keys by their length alone (issue 17). Keys it does not find are skipped, as the full
        /// table's unwanted ones are, so what is read is the same.
        static let outcomeFields = allCases.filter { outcomeBits & 1 << $0.rawValue != 0 }
        static let outcomeTable = JSONKeyTable(outcomeFields.map { "\($0)" })

        /// The field `key` names among `fields`' own table, if any.
        @inline(__always)
        static func find(_ key: JSONKey, in s: JSONScanner, fields: ResourceFieldSet) -> Field? {
            switch fields {
            case .all: s.index(of: key, in: table).flatMap { Field(rawValue: $0) }
            case .outcome: s.index(of: key, in: outcomeTable).map { outcomeFields[$0] }
            }
        }
    }

    /// Reads the resource object at the scanner's position; of its fields, those in `fields`
    /// (the others are checked and skipped, and stay `nil`).
    /// - Throws: `JSONScanError` when the value is not an object or the document is not JSON.
    package init(scanning s: inout JSONScanner, fields: ResourceFieldSet = .all) throws {
        self.init()
        let wanted = Field.bits(fields)
        var options = OptionValues()
        var services: [Int]?
        var serviceIds: [Int]?
        var seen: UInt64 = 0
        var cursor = try s.beginObject()
        while let key = try s.nextKey(&cursor) {
            guard let field = Field.find(key, in: s, fields: fields), seen & (1 << field.rawValue) == 0 else {
                try s.skipValue()
                continue
            }
            seen |= 1 << field.rawValue
            guard wanted & (1 << field.rawValue) != 0 else {
                try s.skipValue()
                continue
            }
            switch field {
            case .options:
                if try s.peek() == .object { options = try Self.scanOptions(&s, fields: fields) } else { try s.skipValue() }
            case .address: address = try Self.scanAddress(&s)
            case .contact: contact = try Self.scanContact(&s)
            case .customFields: customFields = try Self.scanCustomFields(&s)
            case .services: services = try Self.scanServices(&s)
            case .serviceIds: serviceIds = try Self.scanServiceIds(&s)
            case let field: try read(field, from: &s)
            }
        }
        // `options{}` first, the top level as a fallback.
        bioLink = options.bioLink ?? bioLink
        gender = options.gender ?? gender
        hourly = options.hourly ?? hourly
        effectiveDate = options.effectiveDate ?? effectiveDate
        ignoreBusinessHours = options.ignoreBusinessHours ?? ignoreBusinessHours
        sortKey = options.sortKey ?? sortKey
        notificationType = options.notificationType ?? notificationType
        bookingNotification = options.bookingNotification ?? bookingNotification
        displayColor = options.displayColor ?? displayColor
        calendarAvailability = options.calendarAvailability ?? calendarAvailability
        googleCalendarId = options.googleCalendarId ?? googleCalendarId
        outlookCalendarId = options.outlookCalendarId ?? outlookCalendarId
        self.serviceIds = services ?? serviceIds
    }

    /// Reads one scalar field's value into this resource.
    private mutating func read(_ field: Field, from s: inout JSONScanner) throws {
        switch field {
        case .id: id = try JSONLenient.string(&s)
        case .locationId: locationId = try JSONLenient.string(&s)
        case .name: name = try JSONLenient.string(&s)
        case .email: email = try JSONLenient.string(&s)
        case .description: description = try JSONLenient.string(&s)
        case .imageUrl: imageUrl = try JSONLenient.string(&s)
        case .bioLink: bioLink = try JSONLenient.string(&s)
        case .gender: gender = try JSONLenient.string(&s)
        case .skypeName: skypeName = try JSONLenient.string(&s)
        case .timezoneId: timezoneId = try JSONLenient.string(&s)
        case .timezoneIana: timezoneIana = try JSONLenient.string(&s)
        case .groupId: groupId = try JSONLenient.string(&s)
        case .timezoneOffset: timezoneOffset = try JSONLenient.int(&s)
        case .hourly: hourly = try JSONLenient.double(&s)
        case .deletedStatus: deletedStatus = try JSONLenient.bool(&s)
        case .deletedTime: deletedTime = try JSONLenient.string(&s)
        case .effectiveDate: effectiveDate = try JSONLenient.string(&s)
        case .ignoreBusinessHours: ignoreBusinessHours = try JSONLenient.bool(&s)
        case .sortKey: sortKey = try JSONLenient.int(&s)
        case .notificationType: notificationType = try JSONLenient.int(&s)
        case .bookingNotification: bookingNotification = try JSONLenient.int(&s)
        case .displayColor: displayColor = try JSONLenient.string(&s)
        case .calendarAvailability: calendarAvailability = try JSONLenient.int(&s)
        case .googleCalendarId: googleCalendarId = try JSONLenient.string(&s)
        case .googleCalendarAuthUrl: googleCalendarAuthUrl = try JSONLenient.string(&s)
        case .googleCalendarAuthorized: googleCalendarAuthorized = try JSONLenient.bool(&s)
        case .outlookCalendarId: outlookCalendarId = try JSONLenient.string(&s)
        case .outlookCalendarAuthUrl: outlookCalendarAuthUrl = try JSONLenient.string(&s)
        case .outlookCalendarAuthorized: outlookCalendarAuthorized = try JSONLenient.bool(&s)
        case .address, .contact, .customFields, .services, .serviceIds, .options: try s.skipValue()
        }
    }

    /// The values `init(from:)` reads inside `options{}` (the same names as at the top level):
    /// a small struct, not a whole `Resource`, so reading them copies little.
    private struct OptionValues {
        var bioLink, gender, effectiveDate, displayColor, googleCalendarId, outlookCalendarId: String?
        var hourly: Double?
        var ignoreBusinessHours: Bool?
        var sortKey, notificationType, bookingNotification, calendarAvailability: Int?
    }

    private static func scanOptions(_ s: inout JSONScanner, fields: ResourceFieldSet) throws -> OptionValues {
        var o = OptionValues()
        let wanted = Field.bits(fields)
        var seen: UInt64 = 0
        var cursor = try s.beginObject()
        while let key = try s.nextKey(&cursor) {
            guard let field = Field.find(key, in: s, fields: fields), seen & (1 << field.rawValue) == 0 else {
                try s.skipValue()
                continue
            }
            seen |= 1 << field.rawValue
            guard wanted & (1 << field.rawValue) != 0 else {
                try s.skipValue()
                continue
            }
            switch field {
            case .bioLink: o.bioLink = try JSONLenient.string(&s)
            case .gender: o.gender = try JSONLenient.string(&s)
            case .hourly: o.hourly = try JSONLenient.double(&s)
            case .effectiveDate: o.effectiveDate = try JSONLenient.string(&s)
            case .ignoreBusinessHours: o.ignoreBusinessHours = try JSONLenient.bool(&s)
            case .sortKey: o.sortKey = try JSONLenient.int(&s)
            case .notificationType: o.notificationType = try JSONLenient.int(&s)
            case .bookingNotification: o.bookingNotification = try JSONLenient.int(&s)
            case .displayColor: o.displayColor = try JSONLenient.string(&s)
            case .calendarAvailability: o.calendarAvailability = try JSONLenient.int(&s)
            case .googleCalendarId: o.googleCalendarId = try JSONLenient.string(&s)
            case .outlookCalendarId: o.outlookCalendarId = try JSONLenient.string(&s)
            default: try s.skipValue()
            }
        }
        return o
    }

    private static let addressTable = JSONKeyTable(["addressLine1", "addressLine2", "city", "state", "postalCode", "country"])

    /// `address{}` as the synthesized decoder reads it: `nil` unless an object of strings and nulls.
    private static func scanAddress(_ s: inout JSONScanner) throws -> ResourceAddress? {
        guard try s.peek() == .object else {
            try s.skipValue()
            return nil
        }
        var a = ResourceAddress()
        var valid = true
        let table = addressTable
        var seen: UInt64 = 0
        var cursor = try s.beginObject()
        while let key = try s.nextKey(&cursor) {
            guard let index = s.index(of: key, in: table), seen & (1 << index) == 0 else {
                try s.skipValue()
                continue
            }
            seen |= 1 << index
            let value = try JSONLenient.strictString(&s, valid: &valid)
            switch index {
            case 0: a.addressLine1 = value
            case 1: a.addressLine2 = value
            case 2: a.city = value
            case 3: a.state = value
            case 4: a.postalCode = value
            default: a.country = value
            }
        }
        return valid ? a : nil
    }

    private static let contactTable = JSONKeyTable([
        "businessPhone", "businessPhoneExt", "mobilePhone", "homePhone", "phoneType", "preferredPhoneType",
        "skypeUsername", "conferenceInfo",
    ])

    /// `contact{}` as `ResourceContact.init(from:)` reads it: lenient strings, `phoneType` else
    /// `preferredPhoneType`; `nil` unless an object.
    private static func scanContact(_ s: inout JSONScanner) throws -> ResourceContact? {
        guard try s.peek() == .object else {
            try s.skipValue()
            return nil
        }
        var c = ResourceContact()
        var preferred: String?
        let table = contactTable
        var seen: UInt64 = 0
        var cursor = try s.beginObject()
        while let key = try s.nextKey(&cursor) {
            guard let index = s.index(of: key, in: table), seen & (1 << index) == 0 else {
                try s.skipValue()
                continue
            }
            seen |= 1 << index
            let value = try JSONLenient.string(&s)
            switch index {
            case 0: c.businessPhone = value
            case 1: c.businessPhoneExt = value
            case 2: c.mobilePhone = value
            case 3: c.homePhone = value
            case 4: c.phoneType = value
            case 5: preferred = value
            case 6: c.skypeUsername = value
            default: c.conferenceInfo = value
            }
        }
        c.phoneType = c.phoneType ?? preferred
        return c
    }

    private static let customFieldsTable = JSONKeyTable((1...10).map { "field\($0)" })

    /// `customFields{}` as the synthesized decoder reads it: `nil` unless an object of strings and nulls.
    private static func scanCustomFields(_ s: inout JSONScanner) throws -> ResourceCustomFields? {
        guard try s.peek() == .object else {
            try s.skipValue()
            return nil
        }
        var f = ResourceCustomFields()
        var valid = true
        let table = customFieldsTable
        var seen: UInt64 = 0
        var cursor = try s.beginObject()
        while let key = try s.nextKey(&cursor) {
            guard let index = s.index(of: key, in: table), seen & (1 << index) == 0 else {
                try s.skipValue()
                continue
            }
            seen |= 1 << index
            f[index + 1] = try JSONLenient.strictString(&s, valid: &valid)
        }
        return valid ? f : nil
    }

    /// `services[].serviceId` as `Int`s; `nil` unless an array of objects (null elements included).
    private static func scanServices(_ s: inout JSONScanner) throws -> [Int]? {
        guard try s.peek() == .array else {
            try s.skipValue()
            return nil
        }
        var ids: [Int] = []
        var valid = true
        var cursor = try s.beginArray()
        while try s.nextElement(&cursor) {
            guard try s.peek() == .object else {
                try s.skipValue()
                valid = false
                continue
            }
            var id: String?
            var seen = false
            var inner = try s.beginObject()
            while let key = try s.nextKey(&inner) {
                guard !seen, s.key(key, is: "serviceId") else {
                    try s.skipValue()
                    continue
                }
                seen = true
                id = try JSONLenient.string(&s)
            }
            if let id, let n = Int(id) { ids.append(n) }
        }
        return valid ? ids : nil
    }

    /// `serviceIds[]` read as lenient strings, the numeric ones kept; `nil` unless an array.
    private static func scanServiceIds(_ s: inout JSONScanner) throws -> [Int]? {
        guard try s.peek() == .array else {
            try s.skipValue()
            return nil
        }
        var ids: [Int] = []
        var cursor = try s.beginArray()
        while try s.nextElement(&cursor) {
            if let text = try JSONLenient.string(&s), let n = Int(text) { ids.append(n) }
        }
        return ids
    }
}
