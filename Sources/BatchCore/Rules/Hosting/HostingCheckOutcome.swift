
/// What the hosting check means for a row's calendar id.
public enum HostingCheckOutcome: Sendable, Equatable {
    /// Hosted as expected (or the check is off).
    case ok
    /// Reported, the row still goes ahead.
    case warning(String)
    /// The row is invalid.
    case error(String)
}
