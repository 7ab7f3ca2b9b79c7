import BatchModel

/// Groups planned rows into chunks as they stream by: pure, deterministic, bounded memory.
///
/// Rows are grouped by bucket = (kind of call, return URLs), because one bulk call is either a
/// POST or a PUT and carries one query string. A bucket that reaches `chunkSize` rows is emitted
/// at once. At most `maxOpenBuckets` buckets are held: when a row needs a new bucket and all are
/// taken, the **largest** open bucket is flushed first (ties: the one opened **earliest**), as a
/// partial chunk. Largest, because it makes the fullest partial chunk (fewest extra calls);
/// oldest among equals, so no row waits forever. Memory is therefore at most
/// `maxOpenBuckets × (chunkSize − 1)` buffered rows, whatever the size of the file.
///
/// Deterministic: the same rows in the same order give the same chunks with the same ids
/// (ids count from 1 in emission order). The journal does not rely on it: it records row numbers.
public struct ChunkPlanner: Sendable {
    /// Rows per chunk, 1…100 (the API's bulk limit).
    public let chunkSize: Int
    /// How many (kind, return URLs) groups may be buffered at once.
    public let maxOpenBuckets: Int

    private struct BucketKey: Hashable, Sendable {
        var kind: ChunkKind
        var returnURLs: ReturnURLs
    }

    private struct Bucket: Sendable {
        /// Order of opening, to break ties and to flush in a stable order.
        var serial: Int
        var rows: [PlannedRow]
    }

    /// The open buckets, at most `maxOpenBuckets` (16 by default): searched in order rather than
    /// hashed, as comparing a key with a handful of others costs less than hashing its two URLs
    /// twice per row (issue 17).
    private var buckets: [(key: BucketKey, bucket: Bucket)] = []
    private var nextChunkID = 1
    private var nextSerial = 0
    private var buffered = 0

    /// - Parameters:
    ///   - chunkSize: rows per bulk call, 1…100.
    ///   - maxOpenBuckets: groups held at once (≥ 1); bounds memory together with `chunkSize`.
    public init(chunkSize: Int, maxOpenBuckets: Int = 16) {
        precondition((1...100).contains(chunkSize), "chunk size must be 1…100, got \(chunkSize)")
        precondition(maxOpenBuckets >= 1, "maxOpenBuckets must be at least 1, got \(maxOpenBuckets)")
        self.chunkSize = chunkSize
        self.maxOpenBuckets = maxOpenBuckets
    }

    /// Buckets currently holding rows.
    public var openBuckets: Int { buckets.count }

    /// Rows added but not yet emitted in a chunk.
    public var bufferedRows: Int { buffered }

    /// Adds one row; returns the chunks that are ready now (a bucket that became full, and
    /// possibly a partial one flushed to make room). Usually empty.
    public mutating func add(_ row: consuming PlannedRow) -> [Chunk] {
        let key = BucketKey(kind: row.operation.kind, returnURLs: row.returnURLs)
        var ready: [Chunk] = []
        var index: Int
        if let existing = buckets.firstIndex(where: { $0.key == key }) {
            index = existing
        } else {
            if buckets.count >= maxOpenBuckets, let flushed = flushLargest() {
                ready.append(flushed)
            }
            var bucket = Bucket(serial: nextSerial, rows: [])
            bucket.rows.reserveCapacity(chunkSize)
            nextSerial += 1
            buckets.append((key, bucket))
            index = buckets.count - 1
        }
        // Appended in place (the array's element is modified, its rows not copied).
        buckets[index].bucket.rows.append(consume row)
        buffered += 1
        if buckets[index].bucket.rows.count >= chunkSize {
            let full = buckets.remove(at: index)
            ready.append(makeChunk(full.key, full.bucket.rows))
        }
        return ready
    }

    /// Emits every partial chunk still held, in the order their buckets were opened. The planner
    /// is empty afterwards and may be reused (ids keep counting).
    public mutating func finish() -> [Chunk] {
        let rest = buckets.sorted { $0.bucket.serial < $1.bucket.serial }
        buckets.removeAll()
        return rest.map { makeChunk($0.key, $0.bucket.rows) }
    }

    /// Removes and emits the largest open bucket, the earliest opened among equals.
    private mutating func flushLargest() -> Chunk? {
        guard
            let victim = buckets.indices.max(by: { a, b in
                buckets[a].bucket.rows.count != buckets[b].bucket.rows.count
                    ? buckets[a].bucket.rows.count < buckets[b].bucket.rows.count
                    : buckets[a].bucket.serial > buckets[b].bucket.serial
            })
        else { return nil }
        let flushed = buckets.remove(at: victim)
        return makeChunk(flushed.key, flushed.bucket.rows)
    }

    private mutating func makeChunk(_ key: BucketKey, _ rows: [PlannedRow]) -> Chunk {
        defer { nextChunkID += 1 }
        buffered -= rows.count
        return Chunk(id: nextChunkID, kind: key.kind, returnURLs: key.returnURLs, rows: rows)
    }
}
