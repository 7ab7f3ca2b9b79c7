/// A ZIP archive that cannot be written or read, naming the entry (part) concerned.
public struct ZipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The entry concerned, or empty for the archive as a whole.
    public var entry: String
    public var reason: String

    public init(entry: String, reason: String) {
        self.entry = entry
        self.reason = reason
    }

    public var description: String {
        entry.isEmpty ? "ZIP archive: \(reason)" : "ZIP entry \(entry): \(reason)"
    }
}
