
/// "These rows are finished": written and fsynced after a chunk's answer (create or update, and
/// for rows that failed).
public struct JournalDone: Sendable, Equatable, Codable {
    /// The chunk's label, for people reading the journal; `nil` when the rows came from no chunk.
    public var chunk: String?
    /// The outcome of each finished row.
    public var rows: [JournalRowOutcome]

    /// Outcomes of the rows of `chunk`.
    public init(chunk: String? = nil, rows: [JournalRowOutcome]) {
        self.chunk = chunk
        self.rows = rows
    }
}
