import BatchModel
import Foundation

/// One valid input row, decided and ready to be sent: the unit the planner groups into chunks.
public struct PlannedRow: Sendable, Equatable {
    /// 1-based record number, header excluded: the report's `row` and the journal's key.
    public var row: Int
    /// Line of the input where the record starts (for messages).
    public var line: Int
    /// Create, or update of a known id.
    public var operation: RowOperation
    /// The return URLs this row needs as query parameters; rows with different ones never share a call.
    public var returnURLs: ReturnURLs
    /// The body sent for this row.
    public var payload: ResourcePayload
    /// The e-mail, trimmed and lowercased (`nil` when absent): what an uncertain create is looked up by.
    public var email: String?

    /// Makes a row; `email` is normalized (trimmed, lowercased, empty → `nil`) so lookups compare equal.
    public init(
        row: Int, line: Int, operation: RowOperation, returnURLs: ReturnURLs, payload: ResourcePayload,
        email: String?
    ) {
        self.row = row
        self.line = line
        self.operation = operation
        self.returnURLs = returnURLs
        self.payload = payload
        self.email = PlannedRow.normalize(email: email)
    }

    /// The lookup form of an e-mail: trimmed and lowercased, `nil` when empty.
    public static func normalize(email: String?) -> String? {
        guard let email else { return nil }
        // The usual key, printable ASCII without a capital and nothing to trim at its ends, is its
        // own lookup form: one pass over its bytes (the trim's look at both ends through the UTF-8
        // view, and the span below, cost ~300 instructions a call: issue 17).
        let plainAlready = email.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard let first = bytes.first, let last = bytes.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F
            else { return false }
            for b in bytes where b >= 0x80 || b &- UInt8(ascii: "A") < 26 { return false }
            return true
        }
        if plainAlready == true { return email }
        let trimmed = WhitespaceTrim.whitespacesAndNewlines(email)
        guard !trimmed.isEmpty else { return nil }
        // Validation hands over e-mail keys already lowercased: ASCII without a capital is its
        // own lowercase, so it is kept as it is (issue 17: `lowercased()` copied every key twice).
        // Read through a `Span` of its bytes: iterating the UTF-8 view cost ~30 instructions a byte.
        let bytes = trimmed.utf8.span
        var plain = true
        for i in bytes.indices {
            let b = bytes[i]
            if b >= 0x80 || b &- UInt8(ascii: "A") < 26 {
                plain = false
                break
            }
        }
        return plain ? trimmed : trimmed.lowercased()
    }
}
