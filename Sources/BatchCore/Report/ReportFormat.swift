
/// The formats of reports and exports.
public enum ReportFormat: String, Sendable, Equatable {
    case csv, jsonl
    /// A workbook for people (``ReportWorkbook``), not a stream of lines.
    case xlsx

    /// The format `path`'s extension names, or `nil`.
    public static func fromExtension(_ path: String) -> ReportFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".xlsx") { return .xlsx }
        return nil
    }
}
