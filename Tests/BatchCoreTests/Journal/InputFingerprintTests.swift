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
        var hasher = FNV1a64()
        hasher.combine(bytes)
        #expect(print.fingerprint == hasher.hex)
        #expect(print.size == UInt64(bytes.count))
        #expect(print.path == path && print.isResumable)

        bytes[bytes.count - 3] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let changed = try InputFingerprint.compute(path: path)
        #expect(!changed.sameContent(as: print))
        // Moving a file does not change what it is.
        try FileManager.default.moveItem(atPath: path, toPath: dir + "/moved.csv")
        #expect(try InputFingerprint.compute(path: dir + "/moved.csv").sameContent(as: changed))
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
