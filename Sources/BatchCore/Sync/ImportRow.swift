import BatchModel
import BatchReport

/// One validated input row as the import core sees it: its report line so far, its input bytes
/// (for the errors file), and what validation decided about it.
public struct ImportRow: Sendable, Equatable {
    /// What validation decided: only `candidate` rows may reach the API.
    public enum Disposition: Sendable, Equatable {
        /// Has errors: reported `invalid`, never sent.
        case invalid
        /// Repeats an earlier row's key: reported `skipped`, never sent.
        case skipped
        /// Valid: created or updated, by its id or by its key among the tenant's resources.
        case candidate(id: String?, emailKey: String?, payload: ResourcePayload, returnURLs: ReturnURLs)
    }

    /// The report line: final for `invalid` and `skipped`, a template (status `valid`) otherwise.
    public var report: ReportRow
    /// The record exactly as it was in the input, for the errors file.
    public var raw: [UInt8]?
    public var disposition: Disposition

    public var row: Int { report.row }

    public init(report: ReportRow, raw: [UInt8]?, disposition: Disposition) {
        self.report = report
        self.raw = raw
        self.disposition = disposition
    }
}
