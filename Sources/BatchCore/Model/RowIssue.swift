/// One problem of one row, kept as a value so that every problem ends up in the report.
public struct RowIssue: Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Severity: Sendable, Equatable, Hashable {
        /// The row cannot be sent.
        case error
        /// The row is sent, but someone should look.
        case warning
    }

    public var severity: Severity
    /// The field or column at fault (`email`, `googleCalendarId`, …), or `nil` for the whole row.
    public var field: String?
    public var message: String

    public init(_ severity: Severity, field: String?, _ message: String) {
        self.severity = severity
        self.field = field
        self.message = message
    }

    public static func error(_ field: ResourceField?, _ message: String) -> RowIssue {
        RowIssue(.error, field: field?.name, message)
    }

    public static func warning(_ field: ResourceField?, _ message: String) -> RowIssue {
        RowIssue(.warning, field: field?.name, message)
    }

    /// `field: message`, with `warning: ` in front of warnings: the form used in reports.
    public var description: String {
        let text = field.map { "\($0): \(message)" } ?? message
        return severity == .warning ? "warning: \(text)" : text
    }
}

extension Array where Element == RowIssue {
    /// True when any issue stops the row from being sent.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Every issue, `; `-separated: the report's `message` column.
    /// Built by appending into one `String` (the same text as `map(\.description).joined(separator: "; ")`,
    /// without a `String` per issue and an array of them: ~2,000 instructions per failed row before).
    public var reportMessage: String {
        var out = ""
        for (k, issue) in enumerated() {
            if k > 0 { out += "; " }
            if issue.severity == .warning { out += "warning: " }
            if let field = issue.field {
                out += field
                out += ": "
            }
            out += issue.message
        }
        return out
    }
}
