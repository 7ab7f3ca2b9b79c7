import BatchModel

/// Decides which input column feeds which resource field.
///
/// Headers match the API's field names ignoring case, spaces, `_` and `-`, then common HR
/// spellings (`Work Email`, `Full Name`, …), then explicit `--map` entries, which win over both.
/// Columns that map to nothing are reported once (``unmappedColumns``) and ignored; an `error`
/// column, as the errors file writes it, is ignored silently.
public struct ColumnMapping: Sendable, Equatable {
    /// For each input column, the field it feeds, or `nil` when ignored.
    public let fields: [ResourceField?]
    /// The header as read, for messages and the errors file.
    public let headers: [String]
    /// Column names that feed nothing and were not silently ignored, in input order.
    public let unmappedColumns: [String]

    /// Builds the mapping for a header line.
    /// - Throws: `InputError.duplicateColumn` when two columns would feed one field, and
    ///   `InputError.missingColumn` when no column feeds `name`.
    public init(headers: [String], overrides: MappingOverrides = MappingOverrides(), requireName: Bool = true) throws {
        self.headers = headers
        var fields: [ResourceField?] = []
        var unmapped: [String] = []
        var owner: [ResourceField: Int] = [:]
        for (index, header) in headers.enumerated() {
            let key = Self.normalize(header)
            var field: ResourceField?
            var ignored = false
            if let explicit = overrides.entries[key] {
                field = explicit
                ignored = explicit == nil
            } else if let f = Self.lookup[key] {
                field = f
            } else if key == "error" || key.isEmpty {
                ignored = true
            }
            if let f = field {
                if let first = owner[f] {
                    throw InputError.duplicateColumn(
                        field: f.name, first: headers[first], firstIndex: first + 1, second: header, secondIndex: index + 1)
                }
                owner[f] = index
            } else if !ignored {
                unmapped.append(header)
            }
            fields.append(field)
        }
        if requireName && owner[.name] == nil {
            throw InputError.missingColumn(field: "name", headers: headers)
        }
        self.fields = fields
        self.unmappedColumns = unmapped
    }

    /// Lowercased, with spaces, `_`, `-` and `.` removed: how headers and map keys are compared.
    public static func normalize(_ header: String) -> String {
        var out = ""
        out.reserveCapacity(header.utf8.count)
        for ch in header.lowercased() where !(ch == " " || ch == "_" || ch == "-" || ch == "." || ch == "\u{FEFF}" || ch.isWhitespace) {
            out.append(ch)
        }
        return out
    }

    /// Canonical names and known HR spellings, normalized, to fields.
    static let lookup: [String: ResourceField] = {
        var table: [String: ResourceField] = [:]
        for f in ResourceField.allCases { table[normalize(f.name)] = f }
        let aliases: [ResourceField: [String]] = [
            .id: ["resource id", "resourceid", "onsched id"],
            .name: ["full name", "display name", "employee name", "resource name", "name"],
            .email: ["e-mail", "email address", "e-mail address", "work email", "work e-mail", "work email address",
                     "business email", "primary email", "mail", "email_address"],
            .timezoneId: ["timezone", "time zone", "tz", "time zone id"],
            .locationId: ["location id", "location"],
            .groupId: ["group", "resource group", "resource group id", "group id"],
            .googleCalendarId: ["google calendar", "google calendar email", "google email", "gmail"],
            .outlookCalendarId: ["outlook calendar", "outlook calendar email", "outlook email", "office 365 email",
                                 "o365 email", "microsoft email"],
            .calendarAvailability: ["calendar", "calendar sync", "calendar type"],
            .businessPhone: ["phone", "work phone", "office phone", "phone number", "telephone", "business phone"],
            .businessPhoneExt: ["ext", "extension", "phone ext", "phone extension"],
            .mobilePhone: ["mobile", "cell", "cell phone", "mobile number", "mobile phone number"],
            .homePhone: ["home phone", "home phone number"],
            .skypeUsername: ["skype", "skype name", "skype id"],
            .addressLine1: ["address", "address 1", "address1", "street", "street address"],
            .addressLine2: ["address 2", "address2"],
            .postalCode: ["zip", "zip code", "zipcode", "postcode", "post code", "postal"],
            .state: ["province", "region", "state/province", "state province"],
            .country: ["country code"],
            .serviceIds: ["services", "service ids", "service id"],
            .bioLink: ["bio", "bio url", "bio link"],
            .displayColor: ["color", "colour", "display colour"],
            .hourly: ["hourly rate", "rate"],
        ]
        for (field, names) in aliases {
            for n in names { table[normalize(n)] = field }
        }
        for n in 1...10 {
            let f = ResourceField(name: "customField\(n)")!
            for spelling in ["custom field \(n)", "field\(n)", "custom\(n)"] { table[normalize(spelling)] = f }
        }
        return table
    }()
}

/// Explicit column-to-field choices from `--map`, keyed by normalized column name.
///
/// A `nil` field means "ignore this column" (written as `Column=` or `Column,-`).
public struct MappingOverrides: Sendable, Equatable {
    public private(set) var entries: [String: ResourceField?] = [:]

    public init() {}

    /// Adds `Column=field` (the option's inline form).
    /// - Throws: `InputError.badMapping` for a missing `=` or an unknown field.
    public mutating func add(inline spec: String) throws {
        guard let eq = spec.lastIndex(of: "=") else {
            throw InputError.badMapping(source: "mapping '\(spec)'", reason: "expected 'Column=field'")
        }
        try add(column: String(spec[..<eq]), field: String(spec[spec.index(after: eq)...]), source: "mapping '\(spec)'")
    }

    /// Adds one pair; `field` may be a canonical name in any case/spacing, or empty / `-` to ignore.
    public mutating func add(column: String, field: String, source: String) throws {
        let key = ColumnMapping.normalize(column)
        guard !key.isEmpty else { throw InputError.badMapping(source: source, reason: "the column name is empty") }
        let target = ColumnMapping.normalize(field)
        if target.isEmpty || target == "ignore" {
            entries[key] = .some(nil)
            return
        }
        guard let f = ResourceField.allCases.first(where: { ColumnMapping.normalize($0.name) == target }) else {
            throw InputError.badMapping(
                source: source, reason: "unknown field '\(field)'; fields are: \(ResourceField.importColumns.map(\.name).joined(separator: ", "))")
        }
        entries[key] = .some(f)
    }
}
