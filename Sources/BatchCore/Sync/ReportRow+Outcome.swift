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
        case .failed:
            status = .failed
            changes = nil
        }
        id = o.id ?? id
        authUrl = o.authUrl ?? authUrl
        authorized = o.authorized ?? authorized
        if provider == nil, let p = o.provider.flatMap(CalendarProvider.init(rawValue:)) { provider = p }
        if calendarId == nil { calendarId = o.calendarId }
        if calendarAvailability == nil { calendarAvailability = o.calendarAvailability }
        if let extra = o.message { appendMessage(extra) }
    }

    /// Fills what the row did not give from the tenant's resource, for a row that is not sent
    /// (`unchanged`): its id, and the calendar it has with whether it is authorized.
    mutating func describe(_ r: Resource) {
        id = r.id ?? id
        if let google = r.googleCalendarId, !google.isEmpty {
            if provider == nil { provider = .google }
            if provider == .google {
                calendarId = calendarId ?? google
                authorized = r.googleCalendarAuthorized
                authUrl = r.googleCalendarAuthUrl.flatMap { $0.isEmpty ? nil : $0 }
            }
        } else if let outlook = r.outlookCalendarId, !outlook.isEmpty {
            if provider == nil { provider = .outlook }
            if provider == .outlook {
                calendarId = calendarId ?? outlook
                authorized = r.outlookCalendarAuthorized
                authUrl = r.outlookCalendarAuthUrl.flatMap { $0.isEmpty ? nil : $0 }
            }
        }
        if calendarAvailability == nil { calendarAvailability = r.calendarAvailability }
    }

    /// Adds one problem or warning to the row's `; `-separated message.
    mutating func appendMessage(_ extra: String) {
        guard !extra.isEmpty else { return }
        message = message.isEmpty ? extra : message + "; " + extra
    }
}
