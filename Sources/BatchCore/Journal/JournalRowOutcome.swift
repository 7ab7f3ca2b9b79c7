
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

    /// 1-based record number, header excluded.
    public var row: Int
    /// `created`, `updated` or `failed`.
    public var status: Status
    /// The resource id the API returned (or the id updated).
    public var id: String?
    /// The authorization link to send to the person, when the API gave one.
    public var authUrl: String?
    /// Whether the calendar is already authorized.
    public var authorized: Bool?
    /// The API's message for a failed row, or warnings.
    public var message: String?
    /// `google`, `outlook` or `nil`.
    public var provider: String?
    /// The Google or Outlook address.
    public var calendarId: String?
    /// As sent.
    public var name: String?
    /// As sent.
    public var email: String?
    /// 0, 1 or 2.
    public var calendarAvailability: Int?

    /// An outcome of a row and status only, its other fields to be filled in place
    /// (`ImportCore.describe`): the defaults of the full initializer made a copy.
    @inlinable
    public init(row: Int, status: Status) {
        self.row = row
        self.status = status
    }

    /// An outcome; everything but the row and status is optional.
    /// Inlinable: made once per sent row in another module, and a call copied the new value.
    @inlinable
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
