import BatchModel
import BatchInput
import BatchRules

/// One line of the report: the columns of cli.md, in that order.
public struct ReportRow: Sendable, Equatable, Codable {
    public var row: Int
    public var line: Int
    public var status: RowStatus
    public var id: String?
    public var name: String?
    public var email: String?
    public var provider: CalendarProvider?
    public var calendarId: String?
    public var calendarAvailability: Int?
    public var authUrl: String?
    public var authorized: Bool?
    public var message: String
    /// The fields an update changes or would change, `; `-separated (import reports only: the
    /// `changes` column after `message`).
    public var changes: String?

    public init(
        row: Int, line: Int, status: RowStatus, id: String? = nil, name: String? = nil, email: String? = nil,
        provider: CalendarProvider? = nil, calendarId: String? = nil, calendarAvailability: Int? = nil,
        authUrl: String? = nil, authorized: Bool? = nil, message: String = "", changes: String? = nil
    ) {
        self.row = row
        self.line = line
        self.status = status
        self.id = id
        self.name = name
        self.email = email
        self.provider = provider
        self.calendarId = calendarId
        self.calendarAvailability = calendarAvailability
        self.authUrl = authUrl
        self.authorized = authorized
        self.message = message
        self.changes = changes
    }

    /// A row as validation leaves it, before anything is sent.
    public init(_ validated: ValidatedRow, status: RowStatus, message: String? = nil) {
        self.init(
            row: validated.row, line: validated.line, status: status, id: validated.id,
            name: validated.name, email: validated.email, provider: validated.provider,
            calendarId: validated.calendarId, calendarAvailability: validated.calendarAvailability,
            message: message ?? validated.issues.reportMessage)
    }

    /// Row `i` of a batch arena as validation leaves it (the same cells as ``init(_:status:message:)``).
    public init(_ arena: RowArena, _ i: Int, status: RowStatus) {
        let r = arena.rows[i]
        self.init(
            row: r.row, line: r.line, status: status, id: arena.text(.id, i), name: arena.text(.name, i),
            email: arena.text(.email, i), provider: r.provider,
            calendarId: r.provider.flatMap { arena.text($0.calendarIdField, i) },
            calendarAvailability: r.availability >= 0 ? Int(r.availability) : nil,
            message: arena.issues(i).reportMessage)
    }

    public static let columns = [
        "row", "line", "status", "id", "name", "email", "provider", "calendarId", "calendarAvailability",
        "authUrl", "authorized", "message",
    ]

    /// The cells in column order.
    var cells: [String] {
        [
            row > 0 ? String(row) : "", line > 0 ? String(line) : "", status.rawValue, id ?? "", name ?? "", email ?? "", provider?.rawValue ?? "",
            calendarId ?? "", calendarAvailability.map(String.init) ?? "", authUrl ?? "",
            authorized.map { $0 ? "true" : "false" } ?? "", message,
        ]
    }

    /// The import report's columns: ``columns`` and `changes`.
    public static let importColumns = columns + ["changes"]

    /// Columns holding the tool's own values (`row`, `line`, `calendarAvailability`, …), never formula-guarded.
    static let ownValueColumns: Set<Int> = [0, 1, 2, 6, 8, 10]
}
