import BatchModel
import BatchJournal
import BatchReport

extension ReportRow {
    /// Merges a sent row's outcome: status, id, link, and the calendar the API reports when the
    /// row named none (an update of someone who already has a calendar).
    mutating func apply(_ o: JournalRowOutcome) {
        switch o.status {
        case .created: status = .created
        case .updated: status = .updated
        case .failed: status = .failed
        }
        id = o.id ?? id
        authUrl = o.authUrl ?? authUrl
        authorized = o.authorized ?? authorized
        if provider == nil, let p = o.provider.flatMap(CalendarProvider.init(rawValue:)) { provider = p }
        if calendarId == nil { calendarId = o.calendarId }
        if calendarAvailability == nil { calendarAvailability = o.calendarAvailability }
        if let extra = o.message { appendMessage(extra) }
    }

    /// Adds one problem or warning to the row's `; `-separated message.
    mutating func appendMessage(_ extra: String) {
        guard !extra.isEmpty else { return }
        message = message.isEmpty ? extra : message + "; " + extra
    }
}
