/// A place in CSV input, as reported in errors so that a user can find the offending byte.
public struct CSVPosition: Sendable, Equatable, CustomStringConvertible {
    /// The 1-based record number; the header is record 1.
    public var record: Int
    /// The 1-based line number (CR, LF and CRLF each end one line, also inside quotes).
    public var line: Int
    /// The 1-based byte column within ``line`` (a UTF-8 BOM does not count).
    public var column: Int
    /// The 0-based byte offset in the input (after transcoding, for Latin-1 and Windows-1252).
    public var byteOffset: Int

    /// Creates a position.
    public init(record: Int, line: Int, column: Int, byteOffset: Int) {
        self.record = record
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
    }

    /// "line L, column C", the way editors name a place.
    public var description: String { "line \(line), column \(column)" }
}
