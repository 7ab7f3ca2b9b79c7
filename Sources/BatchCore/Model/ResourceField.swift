/// A column of the import format: the API's field names, flattened (cli.md, Input).
///
/// `name` is the canonical column name, used in headers, reports and messages; the raw value is
/// the field's position, which indexes a row's cells without hashing.
public enum ResourceField: Int, CaseIterable, Sendable, Hashable {
    case id, name, email, description, timezoneId, locationId, groupId
    case googleCalendarId, outlookCalendarId, calendarAvailability
    case googleAuthReturnUrl, outlookAuthReturnUrl
    case notificationType, bookingNotification, sortKey, ignoreBusinessHours, displayColor
    case bioLink, gender, hourly, effectiveDate
    case businessPhone, businessPhoneExt, mobilePhone, homePhone, phoneType, skypeUsername, conferenceInfo
    case addressLine1, addressLine2, city, state, postalCode, country
    case customField1, customField2, customField3, customField4, customField5
    case customField6, customField7, customField8, customField9, customField10
    case serviceIds
    /// Read-only columns written by `export`; import reads and ignores them.
    case googleCalendarAuthorized, outlookCalendarAuthorized

    /// Position in `allCases`, used to index a row's cells without hashing. Below 64: the rows'
    /// field masks are 64-bit words, shifted with `&<<` (`ResourceModelTests` checks the count).
    @inline(__always) public var ordinal: Int { rawValue }

    /// The canonical column name (the API's field name, flattened).
    public var name: String { Self.names[rawValue] }

    private static let names: [String] = allCases.map { String(describing: $0) }
    private static let byName: [String: ResourceField] = Dictionary(
        uniqueKeysWithValues: allCases.map { (String(describing: $0), $0) })

    /// The field with this exact canonical name.
    public init?(name: String) {
        guard let f = Self.byName[name] else { return nil }
        self = f
    }

    /// Columns that export writes and import ignores.
    public var isReadOnly: Bool { self == .googleCalendarAuthorized || self == .outlookCalendarAuthorized }

    /// Whether a row may clear the field (`#clear`, JSON `null`): text fields only. A name or an
    /// e-mail is required, ids and return URLs steer the run, numbers have no empty value.
    public var isClearable: Bool {
        switch self {
        case .description, .timezoneId, .groupId, .googleCalendarId, .outlookCalendarId, .displayColor, .bioLink,
             .gender, .effectiveDate, .businessPhone, .businessPhoneExt, .mobilePhone, .homePhone, .phoneType,
             .skypeUsername, .conferenceInfo, .addressLine1, .addressLine2, .city, .state, .postalCode, .country,
             .customField1, .customField2, .customField3, .customField4, .customField5, .customField6,
             .customField7, .customField8, .customField9, .customField10:
            true
        default:
            false
        }
    }

    /// The columns in the order export and templates write them.
    public static let importColumns: [ResourceField] = allCases.filter { !$0.isReadOnly }
}
