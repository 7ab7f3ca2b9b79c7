/// Which of an answer's resource fields a scan reads (`Resource.init(scanning:fields:)`).
///
/// Why: an import row takes only its outcome from the bulk answer (id, name, e-mail, the calendar
/// and its link and flag), yet the answer carries some thirty values per resource. Reading only
/// those, and skipping the rest without building strings, spares the scan and every later copy
/// of the resource (issue 17).
public enum ResourceFieldSet: Sendable, Equatable {
    /// Every field `Resource.init(from:)` reads.
    case all
    /// `id`, `name`, `email`, `calendarAvailability`, `googleCalendarId`, `googleCalendarAuthUrl`,
    /// `googleCalendarAuthorized`, `outlookCalendarId`, `outlookCalendarAuthUrl`,
    /// `outlookCalendarAuthorized`, `deletedStatus`: what an import row's outcome, journal line
    /// and report row take from an answer. The other fields stay `nil`.
    case outcome
}
