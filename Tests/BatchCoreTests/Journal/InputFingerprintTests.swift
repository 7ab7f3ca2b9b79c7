import Foundation
import Testing
@testable import BatchCore
@testable import BatchJournal

@Suite struct InputFingerprintTests {
    @Test func fnv1aKnownValues() {
        for (text, hex) in [("", "cbf29ce484222325"), ("a", "af63dc4c8601ec8c"), ("foobar", "85944171f73967e8")] {
            var hasher = FNV1a64()
            hasher.combine(Array(text.utf8))
            #expect(hasher.hex == hex, "\(text)")
        }
    }

    @Test func hashesTheWholeFileAcrossBlocks() throws {
        let dir = try JournalTestSupport.makeDirectory()
        defer { JournalTestSupport.remove(dir) }
        let path = dir + "/big.csv"
        var bytes = [UInt8](repeating: 0, count: (5 << 20) / 2 + 17)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 9) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let print = try InputFingerprint.compute(path: path)
        let words = bytes.withUnsafeBytes { JournalLineHash.hash($0) }
        #expect(print.fingerprint == "w:" + String(decoding: JournalLineHash.hex(words), as: UTF8.self))
        #expect(InputFingerprint.Hash.of(print.fingerprint) == .words)
        #expect(print.size == UInt64(bytes.count))
        #expect(print.path == path && print.isResumable)
        // Version 2's FNV-1a, for a journal that recorded it.
        let fnvPrint = try InputFingerprint.compute(path: path, hash: .fnv1a)
        var hasher = FNV1a64()
        hasher.combine(bytes)
        #expect(fnvPrint.fingerprint == hasher.hex && fnvPrint.size == print.size)
        #expect(InputFingerprint.Hash.of(fnvPrint.fingerprint) == .fnv1a)

        bytes[bytes.count - 3] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let changed = try InputFingerprint.compute(path: path)
        #expect(!changed.sameContent(as: print))
        // Moving a file does not change what it is.
        try FileManager.default.moveItem(atPath: path, toPath: dir + "/moved.csv")
        #expect(try InputFingerprint.compute(path: dir + "/moved.csv").sameContent(as: changed))
    }

    /// The word hash fed in whole 32-byte blocks and a last part, split anywhere on a block's
    /// edge, is the hash of the whole.
    @Test func theWordHashStreamsAsItHashesAWhole() {
        var bytes = [UInt8](repeating: 0, count: 1_000)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 131 &+ i >> 3) }
        for length in [0, 1, 7, 8, 31, 32, 33, 63, 64, 65, 100, 999, 1_000] {
            let whole = bytes.withUnsafeBytes { JournalLineHash.hash(UnsafeRawBufferPointer(rebasing: $0[..<length])) }
            for split in stride(from: 0, through: length, by: 32) {
                var h = JournalLineHash()
                let value = bytes.withUnsafeBytes { b -> UInt64 in
                    h.combineBlocks(UnsafeRawBufferPointer(rebasing: b[..<split]))
                    return h.finish(UnsafeRawBufferPointer(rebasing: b[split..<length]))
                }
                #expect(value == whole, "length \(length), split \(split)")
            }
        }
    }

    @Test func streamsHaveNoFingerprint() throws {
        #expect(try InputFingerprint.compute(path: "-") == .standardInput)
        #expect(!InputFingerprint.standardInput.isResumable)
        #expect(!InputFingerprint.standardInput.sameContent(as: .standardInput))
        #expect(try !InputFingerprint.compute(path: "/dev/null").isResumable)
    }

    @Test func aMissingFileIsAnError() {
        #expect(throws: JournalError.self) { try InputFingerprint.compute(path: "/nonexistent/file.csv") }
    }
}
