import Testing
import TestSupport
@testable import BatchCore
@testable import BatchModel
@testable import BatchSync

private func chunk(_ rows: ClosedRange<Int>, id: Int = 1) -> Chunk {
    let urls = ReturnURLs(outlook: "https://example.com/back")
    return Chunk(
        id: id, kind: .create, returnURLs: urls,
        rows: rows.map {
            PlannedRow(row: $0, line: $0 + 1, operation: .create, returnURLs: urls, payload: ResourcePayload(), email: nil)
        })
}

/// Sends chunks to a server that refuses (400) any chunk holding a bad row, splitting refused
/// chunks until every row is accepted or isolated, the way the dispatcher does.
private func isolate(_ start: Chunk, bad: Set<Int>) -> (accepted: [Int], failed: [Int], calls: Int) {
    let splitter = ChunkSplitter()
    var queue = [start]
    var accepted: [Int] = []
    var failed: [Int] = []
    var calls = 0
    while let next = queue.popLast() {
        calls += 1
        let rows = next.rows.map(\.row)
        if bad.isDisjoint(with: rows) {
            accepted += rows
        } else if let (first, second) = splitter.split(next) {
            queue += [second, first]
        } else {
            failed += rows
        }
    }
    return (accepted, failed, calls)
}

@Suite struct ChunkSplitterTests {
    @Test func aSingleRowCannotBeSplit() {
        #expect(ChunkSplitter().split(chunk(4...4)) == nil)
    }

    @Test func halvesKeepTheCallAndGetSubIds() throws {
        let parent = chunk(1...5, id: 7)
        let (first, second) = try #require(ChunkSplitter().split(parent))
        #expect(first.rows.map(\.row) == [1, 2, 3])
        #expect(second.rows.map(\.row) == [4, 5])
        #expect([first.label, second.label] == ["7.1", "7.2"])
        #expect(first.kind == parent.kind && second.returnURLs == parent.returnURLs)
        let (a, b) = try #require(ChunkSplitter().split(second))
        #expect([a.label, b.label] == ["7.2.1", "7.2.2"])
        #expect(a.id == 7)
    }

    @Test(arguments: [1, 2, 3, 10, 64, 100])
    func badRowsAreIsolatedInFewCalls(n: Int) {
        var rng = SeededRandom(seed: UInt64(n))
        for k in [0, 1, 2, 3, 5, 10] where k <= n {
            let bad = Set((1...n).shuffled(using: &rng).prefix(k))
            let result = isolate(chunk(1...n), bad: bad)
            #expect(Set(result.failed) == bad)
            #expect(result.failed.count == k)
            #expect(result.accepted.sorted() == (1...n).filter { !bad.contains($0) })
            let depth = n <= 1 ? 0 : Int.bitWidth - (n - 1).leadingZeroBitCount  // ⌈log₂ n⌉
            #expect(result.calls <= 1 + 2 * k * depth, "n=\(n) k=\(k): \(result.calls) calls")
        }
    }
}
