@testable import CSVCodec
import Testing
import TestSupport

/// ``UTF8Validation/firstInvalid(_:count:)`` against the standard library's UTF-8 decoding, on
/// generated fields of every length around its 8-byte steps, with garbage after the field's end
/// (it reads up to 7 bytes past it, which must never change the answer).
@Suite struct UTF8ValidationTests {
    /// The standard library's answer: the index of the first byte of the first invalid sequence.
    static func reference(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            // The longest prefix of bytes[i...] that starts with one whole valid scalar.
            var decoded = false
            for len in 1...4 where i + len <= bytes.count {
                if let s = String(validating: bytes[i..<i + len], as: UTF8.self), s.unicodeScalars.count == 1 {
                    i += len
                    decoded = true
                    break
                }
            }
            if !decoded { return i }
        }
        return nil
    }

    static func firstInvalid(_ bytes: [UInt8], padding: UInt8) -> Int? {
        let buffer = bytes + [UInt8](repeating: padding, count: 8)
        return buffer.withUnsafeBufferPointer { UTF8Validation.firstInvalid($0.baseAddress!, count: bytes.count) }
    }

    @Test func agreesWithTheStandardLibrary() {
        var random = SeededRandom(seed: 17)
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("é".utf8), Array("€".utf8), Array("😀".utf8), Array("José".utf8),
            [0x80], [0xC0, 0x80], [0xC3], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xF0, 0x9F, 0x98], [0xFF], [0x7F], Array("plain ascii text".utf8),
        ]
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            let target = random.below(40)
            while bytes.count < target {
                // Mostly valid text, sometimes a broken piece.
                let piece = random.below(4) == 0 ? random.pick(pieces) : random.pick(Array(pieces[0..<5]))
                bytes += piece
            }
            let expected = Self.reference(bytes)
            for padding: UInt8 in [0x00, 0x80, 0xC3, 0x41] {
                #expect(Self.firstInvalid(bytes, padding: padding) == expected, "\(bytes) padding \(padding)")
            }
        }
    }

    @Test func everyLengthOfAsciiAndOneLetter() {
        for n in 0..<40 {
            var bytes = [UInt8](repeating: 0x61, count: n)
            #expect(Self.firstInvalid(bytes, padding: 0xFF) == nil)
            for k in 0..<n {
                bytes[k] = 0xC3 // a lead byte with no continuation (or a wrong one)
                let expected = Self.reference(bytes)
                #expect(Self.firstInvalid(bytes, padding: 0xA9) == expected, "n \(n) k \(k)")
                bytes[k] = 0x61
            }
        }
    }
}
