import BatchModel
import BatchWire

/// Why `auth-links` refused to issue links before writing anything: calendars of a provider
/// whose return URL was not given (a link must say where the person lands after authorizing).
public struct AuthLinksRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The providers whose return URL is missing, with how many resources need it.
    public var missing: [CalendarProvider: Int]
    /// One resource that needs it, to name in the message (its e-mail or id).
    public var example: String?

    public init(missing: [CalendarProvider: Int], example: String? = nil) {
        self.missing = missing
        self.example = example
    }

    /// No return URL at all: nothing can be issued, so nothing is asked.
    public static let noReturnURL = AuthLinksRefusal(missing: [:])

    public var description: String {
        guard !missing.isEmpty else { return "no return URL was given, so no authorization link can be issued" }
        let parts = CalendarProvider.bothInOrder.compactMap { p -> String? in
            guard let n = missing[p] else { return nil }
            let name = p == .google ? "Google" : "Outlook"
            return "\(n) resource\(n == 1 ? " has" : "s have") an unauthorized \(name) calendar but no \(name) return URL was given"
        }
        return parts.joined(separator: "; ") + (example.map { " (for example \($0))" } ?? "") + "; nothing was written"
    }
}
