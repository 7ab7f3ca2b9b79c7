
/// A problem with the input as a whole: it ends the run with exit code 2 before anything is sent.
///
/// Every case names where the problem is (file, line, column) so the message stands on its own.
public enum InputError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(path: String, line: Int, column: Int?, reason: String)
    case emptyFile(path: String)
    case missingColumn(field: String, headers: [String])
    case duplicateColumn(field: String, first: String, firstIndex: Int, second: String, secondIndex: Int)
    case badMapping(source: String, reason: String)
    case unknownFormat(path: String)
    case unsupported(String)
    /// The file changed while it was read (size, modification time, identity or content).
    case changedWhileRead(path: String, change: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .malformed(path, line, column, reason):
            let at = column.map { "line \(line), column \($0)" } ?? "line \(line)"
            return "\(path): \(at): \(reason)"
        case let .emptyFile(path):
            return "\(path) is empty: expected a header line and at least one record"
        case let .missingColumn(field, headers):
            let found = headers.isEmpty ? "none" : headers.map { "'\($0)'" }.joined(separator: ", ")
            return "no column feeds '\(field)' (line 1 has \(found))"
        case let .duplicateColumn(field, first, firstIndex, second, secondIndex):
            return "columns \(firstIndex) ('\(first)') and \(secondIndex) ('\(second)') both map to '\(field)'"
        case let .badMapping(source, reason):
            return "\(source): \(reason)"
        case let .unknownFormat(path):
            return "cannot tell the format of \(path) from its extension"
        case let .unsupported(message):
            return message
        case let .changedWhileRead(path, change):
            return "\(path) changed while it was read (\(change)): the rows read may mix two versions of the file"
        }
    }
}
