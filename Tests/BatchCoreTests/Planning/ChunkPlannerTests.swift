import Testing
import TestSupport
@testable import BatchCore
@testable import BatchModel
@testable import BatchSync
private let google1 = ReturnURLs(google: "https://example.com/a")
private let google2 = ReturnURLs(google: "https://example.com/b")
private let outlook1 = ReturnURLs(outlook: "https://example.com/o")

private func row(_ n: Int, _ op: RowOperation = .create, _ urls: ReturnURLs = ReturnURLs()) -> PlannedRow {
    PlannedRow(
        row: n, line: n + 1, operation: op, returnURLs: urls,
        payload: ResourcePayload(name: "R\(n)", email: "r\(n)@example.com"), email: " R\(n)@Example.com ")
}

/// Mixed input: creates and updates over a handful of return-URL sets.
private func randomRows(count: Int, seed: UInt64, urlSets: Int = 5) -> [PlannedRow] {
    var rng = SeededRandom(seed: seed)
    let urls = (0..<urlSets).map { ReturnURLs(google: "https://example.com/\($0)") } + [ReturnURLs()]
    return (1...count).map { n in
        let op: RowOperation = Bool.random(using: &rng) ? .create : .update(id: "id\(n)")
        return row(n, op, urls.randomElement(using: &rng)!)
    }
}

private func plan(_ rows: [PlannedRow], chunkSize: Int, maxOpenBuckets: Int = 16) -> [Chunk] {
    var planner = ChunkPlanner(chunkSize: chunkSize, maxOpenBuckets: maxOpenBuckets)
    var chunks = rows.flatMap { planner.add($0) }
    chunks += planner.finish()
    return chunks
}

@Suite struct ChunkPlannerTests {
    @Test func emailIsNormalizedForLookups() {
        #expect(row(3).email == "r3@example.com")
        #expect(PlannedRow.normalize(email: "   ") == nil)
    }

    /// The fast path (ASCII without a capital is kept as it is) gives what trimming and
    /// `lowercased()` give, for keys that take it and keys that do not.
    @Test func normalizedEmailsEqualTrimmedAndLowercasedOnes() {
        for email in ["a.b@example.com", "A.B@Example.COM", " x@y.z ", "\tz@q.org\n", "émile@exämple.fr", "ÉMILE@X.FR",
                      "[abc]@x.org", "@", "z", "ZZ", "a\u{2003}", "\u{2003}a@b.c"] {
            let trimmed = WhitespaceTrim.whitespacesAndNewlines(email)
            #expect(PlannedRow.normalize(email: email) == (trimmed.isEmpty ? nil : trimmed.lowercased()), "\(email)")
        }
    }

    /// Chunks are the same whichever order the open buckets are kept in: a planner over many
    /// return-URL sets (more than `maxOpenBuckets`, so buckets are flushed) emits chunks whose
    /// rows are each bucket's rows in input order, every row exactly once.
    @Test func manyBucketsFlushLargestFirstAndLoseNoRow() {
        let rows = randomRows(count: 3_000, seed: 5, urlSets: 40)
        let chunks = plan(rows, chunkSize: 7, maxOpenBuckets: 4)
        #expect(chunks.flatMap { $0.rows.map(\.row) }.sorted() == Array(1...3_000))
        #expect(chunks.map(\.id) == Array(1...chunks.count))
        for chunk in chunks {
            #expect(chunk.rows.count <= 7)
            #expect(chunk.rows.map(\.row) == chunk.rows.map(\.row).sorted())
            #expect(chunk.rows.allSatisfy { $0.returnURLs == chunk.returnURLs && $0.operation.kind == chunk.kind })
        }
    }

    @Test func chunksNeverMixKindsOrReturnURLs() {
        let rows = randomRows(count: 1_000, seed: 1)
        let chunks = plan(rows, chunkSize: 7)
        for chunk in chunks {
            #expect(!chunk.rows.isEmpty)
            #expect(chunk.rows.count <= 7)
            #expect(chunk.rows.allSatisfy { $0.operation.kind == chunk.kind && $0.returnURLs == chunk.returnURLs })
            // Input order within a chunk.
            #expect(chunk.rows.map(\.row) == chunk.rows.map(\.row).sorted())
        }
        // Every row exactly once.
        #expect(chunks.flatMap { $0.rows.map(\.row) }.sorted() == Array(1...1_000))
        // Ids count from 1 in emission order.
        #expect(chunks.map(\.id) == Array(1...chunks.count))
        #expect(chunks.allSatisfy { $0.part.isEmpty && $0.label == String($0.id) })
    }

    @Test func fullBucketsAreEmittedAtOnceAndTheRestOnFinish() {
        var planner = ChunkPlanner(chunkSize: 3)
        var emitted: [[Int]] = []
        for n in 1...10 {
            let ready = planner.add(row(n))
            emitted.append(contentsOf: ready.map { $0.rows.map(\.row) })
            if n % 3 == 0 {
                #expect(ready.count == 1)
            } else {
                #expect(ready.isEmpty)
            }
        }
        #expect(emitted == [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        #expect(planner.bufferedRows == 1)
        let rest = planner.finish()
        #expect(rest.map { $0.rows.map(\.row) } == [[10]])
        #expect(rest.map(\.id) == [4])
        #expect(planner.bufferedRows == 0 && planner.openBuckets == 0)
        #expect(planner.finish().isEmpty)
    }

    @Test func hundredIsTheLargestChunk() {
        let chunks = plan((1...250).map { row($0) }, chunkSize: 100)
        #expect(chunks.map(\.rows.count) == [100, 100, 50])
    }

    @Test func createsAndUpdatesAndURLsGoToSeparateChunks() {
        let rows = [
            row(1, .create, google1), row(2, .update(id: "a"), google1), row(3, .create, google2),
            row(4, .create, google1), row(5, .update(id: "b"), outlook1), row(6, .update(id: "c"), google1),
        ]
        let chunks = plan(rows, chunkSize: 2)
        let groups = chunks.map { $0.rows.map(\.row) }
        #expect(groups == [[1, 4], [2, 6], [3], [5]])
        #expect(chunks.map(\.kind) == [.create, .update, .create, .update])
        #expect(chunks.map(\.returnURLs) == [google1, google1, google2, outlook1])
    }

    @Test func sameInputGivesTheSameChunks() {
        let rows = randomRows(count: 2_000, seed: 42, urlSets: 30)
        let first = plan(rows, chunkSize: 9, maxOpenBuckets: 4)
        let second = plan(rows, chunkSize: 9, maxOpenBuckets: 4)
        #expect(first == second)
    }

    @Test func theLargestBucketIsFlushedToMakeRoom() {
        var planner = ChunkPlanner(chunkSize: 10, maxOpenBuckets: 2)
        #expect(planner.add(row(1, .create, google1)).isEmpty)
        #expect(planner.add(row(2, .create, google2)).isEmpty)
        #expect(planner.add(row(3, .create, google2)).isEmpty)
        // A third bucket is needed: google2 (2 rows) is larger than google1 (1 row).
        let flushed = planner.add(row(4, .update(id: "x"), google1))
        #expect(flushed.map { $0.rows.map(\.row) } == [[2, 3]])
        #expect(planner.openBuckets == 2)
        #expect(planner.finish().map { $0.rows.map(\.row) } == [[1], [4]])
    }

    @Test func amongEqualBucketsTheOldestIsFlushed() {
        var planner = ChunkPlanner(chunkSize: 10, maxOpenBuckets: 2)
        _ = planner.add(row(1, .create, google2))
        _ = planner.add(row(2, .create, google1))
        let flushed = planner.add(row(3, .create, outlook1))
        #expect(flushed.map { $0.rows.map(\.row) } == [[1]])
        #expect(flushed.first?.returnURLs == google2)
    }

    @Test(arguments: [(1, 1), (5, 3), (100, 16), (7, 1)])
    func memoryStaysWithinTheBucketBound(chunkSize: Int, maxOpenBuckets: Int) {
        var planner = ChunkPlanner(chunkSize: chunkSize, maxOpenBuckets: maxOpenBuckets)
        var seen: [Int] = []
        for r in randomRows(count: 3_000, seed: UInt64(chunkSize * 31 + maxOpenBuckets), urlSets: 40) {
            let ready = planner.add(r)
            seen += ready.flatMap { $0.rows.map(\.row) }
            #expect(planner.openBuckets <= maxOpenBuckets)
            #expect(planner.bufferedRows <= maxOpenBuckets * (chunkSize - 1))
            #expect(ready.allSatisfy { $0.rows.count <= chunkSize })
        }
        seen += planner.finish().flatMap { $0.rows.map(\.row) }
        #expect(seen.sorted() == Array(1...3_000))
    }
}
