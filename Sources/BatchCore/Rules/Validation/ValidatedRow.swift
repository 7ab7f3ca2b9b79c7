import BatchModel
import BatchInput

/// A row after validation: what the report says about it and its calendar, every issue found,
/// and (on demand) the payload to send.
public struct ValidatedRow: Sendable {
    public var record: SourceRecord
    /// `--location-id`, for the payload of a row without a `locationId` column.
    public var defaultLocationId: String?
    /// The `id` column, when given: the row is an update.
    public var id: String?
    public var provider: CalendarProvider?
    public var calendarAvailability: Int?
    /// The return URLs this row's call needs: only its own provider's, so rows without a calendar
    /// share chunks whatever URLs other rows carry.
    public var returnURLs = ReturnURLs()
    public var issues: [RowIssue]
    /// Set when the row repeats an e-mail or id of an earlier row: that row's number.
    public var duplicateOf: Int?
    /// Whether ``calendarId`` passed the e-mail syntax check (only then is its hosting checked).
    public var calendarIdIsValid: Bool
    /// The Windows zone id to send when the row's `timezoneId` is an IANA name (or a Windows id
    /// spelled in another case); `nil` when the row's text is sent as it is.
    public var mappedTimezoneId: String?
    /// Work done ahead for the pipeline: the duplicate keys' hashes and the code of the calendar
    /// domain (``hostingCheck``'s, numbered by the pipeline's ``RecentDomains``; -1 for none).
    var emailHash: UInt64?
    var idHash: UInt64?
    var hostingDomain: Int32 = -1

    /// Computes ``emailHash``, ``idHash`` and ``hostingDomain`` from the input's bytes, read in
    /// place as `Span`s (no `String` for the e-mail, its key, the id or the calendar id). A
    /// mutating method so that the array element is reached once: reading `rows[i].record.input`
    /// from outside copied the input (a retain and a release of its buffers) per access.
    mutating func prepareChecks(_ recent: inout RecentDomains) {
        emailHash = record.input.withSpan(.email) { DuplicateTracker.emailHash(utf8: $0) }
        idHash = id == nil ? nil : record.input.withSpan(.id) { DuplicateTracker.idHash(utf8: $0) }
        if let provider {
            hostingDomain = record.input.withSpan(provider.calendarIdField) { recent.code(utf8: $0) } ?? -1
        }
    }

    /// Claims the row's keys in `tracker`; when an earlier row holds one and this row has no
    /// error, marks it a duplicate (``duplicateOf`` and a warning) and returns `true`.
    mutating func claimKeys(_ tracker: inout DuplicateTracker) -> Bool {
        if emailHash == nil && idHash == nil { return false }
        let earlier = tracker.claim(row: record.row, emailHash: emailHash, idHash: idHash, in: record.input)
        guard !issues.hasErrors, let (first, key) = earlier else { return false }
        duplicateOf = first
        issues.append(RowIssue(.warning, field: nil, "the same \(key.rawValue) as row \(first); skipped"))
        return true
    }

    @inlinable public var row: Int { record.row }
    @inlinable public var line: Int { record.line }
    public var isValid: Bool { !issues.hasErrors && duplicateOf == nil }

    /// The body to send; `id` and `locationId` are settled by the planner once create or update is
    /// known. Built from the input on each call: only rows that are sent need it.
    public var payload: ResourcePayload { payload(reusing: nil) }

    /// ``payload``, with the name, e-mail and calendar id taken from `texts` (this row's, made
    /// already) instead of being made again.
    @inlinable
    public func payload(reusing texts: RowTexts?) -> ResourcePayload {
        var payload = ResourceValidator.payload(for: record.input, defaultLocationId: defaultLocationId, reusing: texts,
                                                calendarIdField: provider?.calendarIdField)
        if let mappedTimezoneId { payload.timezoneId = mappedTimezoneId }
        return payload
    }

    /// The texts the report line and the payload share, each made once. Inlinable, as
    /// ``payload(reusing:)`` and the fields they read: the import asks for them from another
    /// module, where a call copied the whole row to pass it (issue 17).
    @inlinable
    public var texts: RowTexts {
        RowTexts(name: name, email: email, calendarId: calendarId, calendarAvailability: calendarAvailability,
                 mappedTimezoneId: mappedTimezoneId)
    }

    /// The e-mail as given (trimmed). Made from the input when asked: `validate` writes the
    /// report from the bytes and never needs the `String`.
    @inlinable
    public var email: String? { record.input[.email] }
    /// The e-mail lowercased: how rows are matched and duplicates found.
    public var emailKey: String? { email.map(EmailAddress.key) }
    /// The calendar id of ``provider`` (Google's when both are given).
    @inlinable
    public var calendarId: String? { provider.flatMap { record.input[$0.calendarIdField] } }

    /// The `name` column (the report's `name`).
    @inlinable
    public var name: String? { record.input[.name] }

    /// The domain whose hosting must be checked, and the provider it must belong to.
    public var hostingCheck: (domain: String, expected: CalendarProvider)? {
        guard let provider, let calendarId, let at = calendarId.utf8.lastIndex(of: 0x40) else { return nil }
        let domain = EmailAddress.asciiLowercased(
            String(decoding: calendarId.utf8[calendarId.utf8.index(after: at)...], as: UTF8.self))
        return domain.isEmpty ? nil : (domain, provider)
    }
}
