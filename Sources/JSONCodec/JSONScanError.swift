/// Why a ``JSONScanner`` refused its input: the byte offset where the document stopped being
/// JSON, and what was wrong there. Callers turn it into their own message ("the answer to the
/// bulk create is not a JSON array of resources"); the offset is for tests and the fuzzer.
public struct JSONScanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Offset of the offending byte from the start of the document.
    public let offset: Int
    /// What was expected or found, in a few words.
    public let reason: String

    /// An error at `offset`.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(reason) at byte \(offset)" }
}
