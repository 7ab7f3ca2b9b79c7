/// A row after validation: the payload to send, what the report says about its calendar, and
/// every issue found.
public struct ValidatedRow: Sendable {
    public var record: SourceRecord
    /// The body to send; `id` and `locationId` are settled by the planner once create or update is known.
    public var payload: ResourcePayload
    /// The `id` column, when given: the row is an update.
    public var id: String?
    /// The e-mail as given (trimmed).
    public var email: String?
    /// The e-mail lowercased: how rows are matched and duplicates found.
    public var emailKey: String?
    public var provider: CalendarProvider?
    public var calendarId: String?
    public var calendarAvailability: Int?
    /// The return URLs this row's call needs: only its own provider's, so rows without a calendar
    /// share chunks whatever URLs other rows carry.
    public var returnURLs = ReturnURLs()
    public var issues: [RowIssue]
    /// Set when the row repeats an e-mail or id of an earlier row: that row's number.
    public var duplicateOf: Int?

    public var row: Int { record.row }
    public var line: Int { record.line }
    public var isValid: Bool { !issues.hasErrors && duplicateOf == nil }

    /// The domain whose hosting must be checked, and the provider it must belong to.
    public var hostingCheck: (domain: String, expected: CalendarProvider)? {
        guard let provider, let calendarId, let at = calendarId.lastIndex(of: "@") else { return nil }
        let domain = calendarId[calendarId.index(after: at)...].lowercased()
        return domain.isEmpty ? nil : (domain, provider)
    }
}
