import Testing
import TestSupport
@testable import BatchSync

/// `RowRing` against a dictionary, on random puts, takes and drains of rows in moving windows
/// (growing the ring, lowering its start, wrapping around), and on the edge cases by hand.
@Suite struct RowRingTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func behavesAsADictionaryKeyedByRow(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var ring = RowRing<String>()
        var reference: [Int: String] = [:]
        var next = Int.random(in: 0...1000, using: &rng)
        for step in 0..<4000 {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<4:
                // New rows mostly ahead of the others, sometimes far ahead or behind.
                let row = Int.random(in: 0..<20, using: &rng) == 0
                    ? next + Int.random(in: -300...600, using: &rng) : next
                next += 1
                ring.insert("v\(step)", at: row)
                reference[row] = "v\(step)"
            case 4..<8:
                let row = reference.keys.randomElement(using: &rng) ?? next
                #expect(ring.remove(row) == reference.removeValue(forKey: row))
            case 8:
                let row = next - Int.random(in: 0...700, using: &rng)
                #expect(ring.contains(row) == (reference[row] != nil))
                #expect(ring.remove(row + 100_000) == nil)
            default:
                if Int.random(in: 0..<30, using: &rng) == 0 {
                    #expect(ring.drain() == reference.keys.sorted().map { reference[$0]! })
                    reference.removeAll()
                }
            }
            #expect(ring.count == reference.count)
            #expect(ring.isEmpty == reference.isEmpty)
        }
        #expect(ring.drain() == reference.keys.sorted().map { reference[$0]! })
        #expect(ring.isEmpty)
    }

    @Test func aRowHeldAgainReplacesItsValue() {
        var ring = RowRing<Int>()
        ring.insert(1, at: 7)
        ring.insert(2, at: 7)
        #expect(ring.count == 1)
        #expect(ring.remove(7) == 2)
        #expect(ring.remove(7) == nil)
    }

    @Test func rowsFarApartGrowTheRingAndKeepTheirValues() {
        var ring = RowRing<Int>()
        ring.insert(5, at: 5)
        ring.insert(5_000, at: 5_000)
        ring.insert(3, at: 3)
        ring.insert(64, at: 64)
        #expect(ring.contains(5) && ring.contains(5_000) && ring.contains(3) && ring.contains(64))
        #expect(!ring.contains(4) && !ring.contains(67) && !ring.contains(5_000 + 8_192))
        #expect(ring.remove(3) == 3)
        #expect(ring.drain() == [5, 64, 5_000])
    }

    @Test func anEmptiedRingStartsAfresh() {
        var ring = RowRing<Int>()
        for row in 1...100 { ring.insert(row, at: row) }
        for row in 1...100 { #expect(ring.remove(row) == row) }
        #expect(ring.isEmpty)
        ring.insert(1, at: 1_000_000)
        #expect(ring.remove(1_000_000) == 1)
        #expect(ring.drain().isEmpty)
    }
}
