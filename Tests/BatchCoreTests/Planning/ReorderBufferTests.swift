import Testing
import TestSupport
@testable import BatchCore
@testable import BatchSync

@Suite struct ReorderBufferTests {
    @Test func inOrderResultsPassStraightThrough() throws {
        var buffer = ReorderBuffer<String>()
        for n in 1...5 {
            #expect(try buffer.insert(row: n, value: "r\(n)") == ["r\(n)"])
            #expect(buffer.pending == 0)
        }
    }

    @Test func laterRowsWaitForTheFirst() throws {
        var buffer = ReorderBuffer<Int>()
        #expect(try buffer.insert(row: 3, value: 3).isEmpty)
        #expect(try buffer.insert(row: 2, value: 2).isEmpty)
        #expect(try buffer.insert(row: 5, value: 5).isEmpty)
        #expect(buffer.pending == 3)
        #expect(try buffer.insert(row: 1, value: 1) == [1, 2, 3])
        #expect(buffer.pending == 1)
        #expect(buffer.nextRow == 4)
        #expect(try buffer.insert(row: 4, value: 4) == [4, 5])
        #expect(buffer.pending == 0)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func anyCompletionOrderComesOutInInputOrder(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let n = Int.random(in: 1...2_000, using: &rng)
        // Completion runs ahead by at most a window, as under the dispatcher; seed 1 is fully random.
        let window = seed == 1 ? n : Int.random(in: 1...300, using: &rng)
        var order = Array(1...n)
        var start = 0
        while start < n {
            let end = min(n, start + window)
            order[start..<end].shuffle(using: &rng)
            start = end
        }
        if seed == 1 { order.shuffle(using: &rng) }
        var buffer = ReorderBuffer<Int>()
        var out: [Int] = []
        for row in order {
            out += try buffer.insert(row: row, value: row * 10)
        }
        #expect(out == (1...n).map { $0 * 10 })
        #expect(buffer.pending == 0)
    }

    @Test func aRowTwiceIsRefused() throws {
        var buffer = ReorderBuffer<Int>()
        _ = try buffer.insert(row: 3, value: 3)
        #expect(throws: ReorderBufferError.duplicate(row: 3)) { _ = try buffer.insert(row: 3, value: 3) }
        _ = try buffer.insert(row: 1, value: 1)
        #expect(throws: ReorderBufferError.duplicate(row: 1)) { _ = try buffer.insert(row: 1, value: 1) }
        #expect(throws: ReorderBufferError.duplicate(row: 0)) { _ = try buffer.insert(row: 0, value: 0) }
        #expect(try buffer.insert(row: 2, value: 2) == [2, 3])
    }
}
