import BatchModel

/// One input record, typed, with where it came from.
public struct SourceRecord: Sendable {
    /// 1-based record number, header excluded: the report's `row`.
    public var row: Int
    /// Line of the input where the record starts: the report's `line`.
    public var line: Int
    public var input: ResourceInput
    /// Problems found while reading (a bad JSON line, extra fields, …).
    public var issues: [RowIssue]
    /// The record exactly as it was in the input (without its line end), for the errors file.
    /// The CSV source keeps it in the input's own buffer (one allocation a row, not two).
    public var raw: [UInt8]? {
        get { ownRaw ?? input.raw }
        set {
            ownRaw = newValue
            input.dropRaw()
        }
    }
    private var ownRaw: [UInt8]?

    public init(row: Int, line: Int, input: ResourceInput = ResourceInput(), issues: [RowIssue] = [], raw: [UInt8]? = nil) {
        self.row = row
        self.line = line
        self.input = input
        self.issues = issues
        self.ownRaw = raw
    }
}

/// A stream of typed records from a CSV or JSONL file or a sheet of a workbook.
public protocol RecordSource: AnyObject {
    /// The format, which decides how the errors file is written.
    var format: InputFormat { get }
    /// Columns (or JSON keys) that feed no field, in the order first seen.
    var unmappedColumns: [String] { get }
    /// The next record, or `nil` at the end.
    /// - Throws: `InputError` for a problem that makes the rest of the input unreadable.
    func next() throws -> SourceRecord?
}

/// The input formats: CSV (any delimiter), JSON Lines, or a sheet of an `.xlsx` workbook.
public enum InputFormat: Sendable, Equatable {
    case csv(delimiter: UInt8?)
    case jsonl
    case xlsx

    /// The format of `path` from its extension; `nil` when the extension says nothing.
    public static func fromExtension(_ path: String) -> InputFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") || lower.hasSuffix(".txt") { return .csv(delimiter: nil) }
        if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { return .csv(delimiter: UInt8(ascii: "\t")) }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".xlsx") { return .xlsx }
        return nil
    }
}
