/// Why reading or writing CSV failed, and where.
///
/// ``Kind/invalidUTF8`` and ``Kind/nulByte`` are recoverable: the reader has consumed the bad
/// record and the next call returns the following one. Every other kind ends reading.
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// A quoted field was still open at the end of the input; the position is the opening quote.
        case unterminatedQuote(openedAtLine: Int)
        /// A `"` inside a field that did not start with one (e.g. `ab"c`).
        case quoteInUnquotedField
        /// Something other than a delimiter or a line end after a closing quote (e.g. `"abc"x`).
        case textAfterClosingQuote
        /// Bytes that are not UTF-8; the position is the start of the bad sequence.
        case invalidUTF8
        /// A NUL byte, which no text file contains and which many tools truncate at.
        case nulByte
        /// A field longer than ``CSVReaderOptions/maxFieldBytes``; the position is where it starts.
        case fieldTooLong(limit: Int)
        /// A record with more fields than ``CSVReaderOptions/maxFieldsPerRecord``; the position is
        /// where the first field over the limit starts.
        case tooManyFields(limit: Int)
        /// A record longer than ``CSVReaderOptions/maxRecordBytes``; the position is where it starts.
        case recordTooLong(limit: Int)
        /// The input could not be opened or read, or the output written.
        case io(String)
    }

    /// What went wrong.
    public var kind: Kind
    /// Where it went wrong; all zero for ``Kind/io`` errors that have no place in the input.
    public var position: CSVPosition

    /// Creates an error.
    public init(kind: Kind, position: CSVPosition) {
        self.kind = kind
        self.position = position
    }

    /// True when reading can continue with the next record after this error.
    public var isRecoverable: Bool {
        switch kind {
        case .invalidUTF8, .nulByte: return true
        default: return false
        }
    }

    /// A one-line message naming line and column, e.g. "line 12, column 7: quote inside an unquoted field".
    public var description: String {
        let what: String
        switch kind {
        case .unterminatedQuote(let openedAtLine):
            what = "quoted field opened on line \(openedAtLine) is never closed"
        case .quoteInUnquotedField: what = "quote inside an unquoted field"
        case .textAfterClosingQuote: what = "text after the closing quote of a field"
        case .invalidUTF8: what = "invalid UTF-8 (is the file in another encoding?)"
        case .nulByte: what = "NUL byte (binary data, or UTF-16 text?)"
        case .fieldTooLong(let limit): what = "field longer than \(limit) bytes"
        case .tooManyFields(let limit): what = "record with more than \(limit) fields"
        case .recordTooLong(let limit): what = "record longer than \(limit) bytes"
        case .io(let message): what = message
        }
        return position.line > 0 ? "\(position): \(what)" : what
    }
}
