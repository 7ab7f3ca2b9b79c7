
/// A `--domain-hosting` file that cannot be used, naming the file and the 1-based line.
public struct DomainHostingTableError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as named on the command line.
    public var file: String
    /// 1-based line number; 0 when the file itself could not be read.
    public var line: Int
    /// What is wrong with the line.
    public var reason: String

    /// An error at `file`:`line`.
    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// "file:line: reason".
    public var description: String {
        line > 0 ? "\(file):\(line): \(reason)" : "\(file): \(reason)"
    }
}
