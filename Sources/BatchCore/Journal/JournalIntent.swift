import BatchModel

/// "About to send this chunk": written and fsynced before a create chunk is sent.
///
/// A create is not idempotent. If the run dies after this line and before the chunk's outcome,
/// the rows may or may not exist on the server: a resumed run looks their e-mails up first.
public struct JournalIntent: Sendable, Equatable, Codable {
    /// The chunk's label (`"12"`, `"12.1"`), for people reading the journal; replay ignores it.
    public var chunk: String
    /// The call about to be made; only `create` rows become uncertain when no outcome follows.
    public var op: ChunkKind
    /// Row numbers of the chunk, in chunk order.
    public var rows: [Int]
    /// The normalized e-mail of each row, parallel to `rows`.
    public var emails: [String?]

    /// An intent with every field given.
    public init(chunk: String, op: ChunkKind, rows: [Int], emails: [String?]) {
        self.chunk = chunk
        self.op = op
        self.rows = rows
        self.emails = emails
    }
}
