/// A workbook that cannot be written or read, naming the part, sheet or cell concerned.
public struct XLSXError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where: a part (`xl/worksheets/sheet1.xml`), a sheet, or a cell (`Sheet1!C17`).
    public var location: String
    public var reason: String

    public init(_ location: String, _ reason: String) {
        self.location = location
        self.reason = reason
    }

    public var description: String { location.isEmpty ? reason : "\(location): \(reason)" }
}
