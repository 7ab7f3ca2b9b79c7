/// The final outcome of one row as the journal records it: what the report will say about it.
///
/// Only definitive outcomes are journaled: `created` / `updated` from the API's answer, `failed`
/// when the API refused the row itself (a single-row 400). A request that was lost or stopped is
/// not an outcome: its rows stay unfinished (and, for creates, uncertain).
public struct JournalRowOutcome: Sendable, Equatable, Codable {
    /// What happened to the row.
    public enum Status: String, Sendable, Equatable, Codable {
        case created, updated, failed
    }

    public var row: Int
    public var status: Status
    public var id: String?
    public var authUrl: String?
    public var authorized: Bool?
    public var message: String?
    /// `google`, `outlook` or `nil`.
    public var provider: String?
    public var calendarId: String?
    public var name: String?
    public var email: String?
    public var calendarAvailability: Int?

    public init(
        row: Int, status: Status, id: String? = nil, authUrl: String? = nil, authorized: Bool? = nil,
        message: String? = nil, provider: String? = nil, calendarId: String? = nil, name: String? = nil,
        email: String? = nil, calendarAvailability: Int? = nil
    ) {
        self.row = row
        self.status = status
        self.id = id
        self.authUrl = authUrl
        self.authorized = authorized
        self.message = message
        self.provider = provider
        self.calendarId = calendarId
        self.name = name
        self.email = email
        self.calendarAvailability = calendarAvailability
    }
}
