import BatchModel

/// Rows that go together in one bulk call: one kind of call and one set of return URLs, ≤ 100 rows.
public struct Chunk: Sendable, Equatable {
    /// Sequential from 1 in the order the planner emitted the chunk. Halves made by
    /// `ChunkSplitter` keep their parent's `id` and extend `part`.
    public var id: Int
    /// Which half of which half: `[]` for a planned chunk, `[1]` / `[2]` for its halves, `[1, 2]` …
    public var part: [Int]
    /// Create or update call.
    public var kind: ChunkKind
    /// The query string shared by every row of the call.
    public var returnURLs: ReturnURLs
    /// The rows, in the order they were added (input order within the chunk).
    public var rows: [PlannedRow]

    /// Makes a chunk; `part` is empty for a chunk as the planner emits it.
    public init(id: Int, part: [Int] = [], kind: ChunkKind, returnURLs: ReturnURLs, rows: [PlannedRow]) {
        self.id = id
        self.part = part
        self.kind = kind
        self.returnURLs = returnURLs
        self.rows = rows
    }

    /// A stable name for logs and the journal: `"12"`, or `"12.1.2"` for the second half of its first half.
    public var label: String {
        ([String(id)] + part.map(String.init)).joined(separator: ".")
    }
}
