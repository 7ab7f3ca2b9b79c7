/// The external calendar a resource syncs with: Google or Outlook, never both.
public enum CalendarProvider: String, Sendable, Hashable, Codable {
    case google, outlook

    /// The `calendarAvailability` value that uses this calendar.
    public var availability: Int { self == .google ? 1 : 2 }

    /// The input column holding this provider's calendar id.
    public var calendarIdField: ResourceField { self == .google ? .googleCalendarId : .outlookCalendarId }

    /// The input column holding this provider's return URL.
    public var returnURLField: ResourceField { self == .google ? .googleAuthReturnUrl : .outlookAuthReturnUrl }

    /// Google then Outlook: the order rows' calendar ids are checked in.
    package static let bothInOrder: [CalendarProvider] = [.google, .outlook]

    /// The display name used in messages.
    public var displayName: String { self == .google ? "Google" : "Microsoft" }
}
