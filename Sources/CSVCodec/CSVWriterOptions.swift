/// How a ``CSVWriter`` formats its output.
public struct CSVWriterOptions: Sendable {
    /// The line end written after each record.
    public enum LineEnding: Sendable, Equatable {
        /// CR LF, as RFC 4180 and Excel expect.
        case crlf
        /// LF only.
        case lf
    }

    /// The field separator.
    public var delimiter: UInt8
    /// The line end written after each record.
    public var lineEnding: LineEnding
    /// When true, the output starts with a UTF-8 byte order mark, so that Excel opens it as UTF-8.
    public var byteOrderMark: Bool
    /// When true, a cell starting with `=`, `+`, `-`, `@`, TAB or CR gets a `'` prefix, so that a
    /// spreadsheet shows it as text instead of evaluating it as a formula (CSV injection).
    public var spreadsheetSafe: Bool

    /// Creates options; every parameter has the usual default.
    public init(delimiter: UInt8 = 0x2C, lineEnding: LineEnding = .crlf, byteOrderMark: Bool = false,
                spreadsheetSafe: Bool = false) {
        self.delimiter = delimiter
        self.lineEnding = lineEnding
        self.byteOrderMark = byteOrderMark
        self.spreadsheetSafe = spreadsheetSafe
    }
}
