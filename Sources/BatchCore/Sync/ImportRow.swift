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
    /// What validation decided. Once ``ImportCore`` plans a candidate, the payload has moved on
    /// to the planned row and the disposition left behind reads `skipped`.
    public var disposition: Disposition
    /// The value of the match field (`customFieldN` under a stable key), for every row, invalid
    /// ones included: a key is taken by its first row whether or not that row is valid.
    public var key: String?

    public var row: Int { report.row }

    public init(report: ReportRow, raw: [UInt8]?, disposition: Disposition, key: String? = nil) {
        self.report = report
        self.raw = raw
        self.disposition = disposition
        self.key = key
    }
}
