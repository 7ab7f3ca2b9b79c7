import BatchSync
import BatchReport

/// The settings of one `import` run (cli.md, Import).
public struct ImportOptions: Sendable {
    /// How rows without an id find their resource (`--match-by`).
    public enum MatchBy: Sendable, Equatable {
        case email, none
        /// `customFields.fieldN` (N 1…10), the stable key.
        case customField(Int)

        /// `email`, `none` or `customFieldN` (any case).
        public init?(rawValue: String) {
            switch rawValue.lowercased() {
            case "email": self = .email
            case "none": self = .none
            case let s where s.hasPrefix("customfield"):
                guard let n = Int(s.dropFirst("customfield".count)), (1...10).contains(n) else { return nil }
                self = .customField(n)
            default: return nil
            }
        }

        public var rawValue: String {
            switch self {
            case .email: "email"
            case .none: "none"
            case .customField(let n): "customField\(n)"
            }
        }

        /// The custom field number, for `customFieldN`.
        public var customField: Int? { if case .customField(let n) = self { n } else { nil } }
    }

    public var chunkSize = 100
    public var concurrency = 4
    public var matchBy = MatchBy.email
    public var dryRun = false
    /// Send matched rows even when every given field already equals the resource's.
    public var sendUnchanged = false
    /// What to do with the tenant's resources no row matches.
    public var missing = MissingPolicy.report
    /// The most resources one run may delete.
    public var maxDeletes = DeleteLimit.standard
    /// `nil` for no journal (dry runs).
    public var journalPath: String?
    public var resume = false
    public var reportPath: String
    public var reportFormat = ReportFormat.csv
    public var excel = false
    public var errorsPath: String

    public init(reportPath: String, errorsPath: String) {
        self.reportPath = reportPath
        self.errorsPath = errorsPath
    }
}
