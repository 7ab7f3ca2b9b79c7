import BatchReport

/// The settings of one `import` run (cli.md, Import).
public struct ImportOptions: Sendable {
    public enum MatchBy: String, Sendable { case email, none }

    public var chunkSize = 100
    public var concurrency = 4
    public var matchBy = MatchBy.email
    public var dryRun = false
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
