/// What an import row takes from the API's answer about its resource: the id, name and e-mail,
/// the calendar availability, and each calendar's id, authorization link and flag.
///
/// Why a type of its own: a bulk answer carries some forty values per resource, and the import
/// used to carry each answered resource as a whole `Resource` (35 optional fields) from the
/// worker through the core, copying it on the way. This holds the ten values the row's outcome,
/// journal line and report row read (`ImportCore.outcome`, `ImportCore.matchIndex`,
/// `ImportJob.linkToFetch`), and is scanned straight from the answer's bytes
/// (`ResourceOutcome+JSONScanning.swift`) with the same readings as `Resource` (issue 17).
public struct ResourceOutcome: Sendable, Equatable {
    public var id: String?
    public var name: String?
    public var email: String?
    public var calendarAvailability: Int?
    public var googleCalendarId: String?
    public var googleCalendarAuthUrl: String?
    public var googleCalendarAuthorized: Bool?
    public var outlookCalendarId: String?
    public var outlookCalendarAuthUrl: String?
    public var outlookCalendarAuthorized: Bool?

    /// An outcome with no value, to be filled in place (``scan(_:)``).
    @inlinable
    public init() {}

    public init(id: String? = nil, name: String? = nil, email: String? = nil) {
        self.id = id
        self.name = name
        self.email = email
    }

    /// The outcome's values of a whole resource (a lookup's or a listing's answer).
    public init(_ r: Resource) {
        id = r.id
        name = r.name
        email = r.email
        calendarAvailability = r.calendarAvailability
        googleCalendarId = r.googleCalendarId
        googleCalendarAuthUrl = r.googleCalendarAuthUrl
        googleCalendarAuthorized = r.googleCalendarAuthorized
        outlookCalendarId = r.outlookCalendarId
        outlookCalendarAuthUrl = r.outlookCalendarAuthUrl
        outlookCalendarAuthorized = r.outlookCalendarAuthorized
    }
}
