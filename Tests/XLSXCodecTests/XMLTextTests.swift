import Testing
import TestSupport
@testable import XLSXCodec

/// ``XMLText/isPlain(_:)`` (16 bytes at a time with SSE2 on x86_64, 8 with word tricks, then
/// byte by byte) against the byte-by-byte rule, with every byte that needs escaping at every
/// offset of texts of every length up to 70, in buffers with such bytes just outside the text.
@Suite struct XMLTextTests {
    static let special: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x22, 0x26, 0x3C, 0x3E, 0xEF]
    static let plain: [UInt8] = [0x20, 0x21, 0x23, 0x27, 0x3D, 0x3F, 0x41, 0x7E, 0x7F, 0x80, 0xC3, 0xA9, 0xEE, 0xF0, 0xFF]

    static func reference(_ bytes: ArraySlice<UInt8>) -> Bool {
        !bytes.contains { $0 < 0x20 || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0xEF }
    }

    /// `isPlain` of `text`, placed between bytes that would need escaping.
    static func isPlain(_ text: [UInt8]) -> Bool {
        let buffer = [0x3C] + text + [0x26]
        return buffer.withUnsafeBufferPointer { all in
            XMLText.isPlain(UnsafeBufferPointer(rebasing: all[1..<(1 + text.count)]))
        }
    }

    @Test func everySpecialByteAtEveryOffset() {
        var random = SeededRandom(seed: 41)
        for n in 0...70 {
            let text = (0..<n).map { _ in random.pick(Self.plain) }
            #expect(Self.isPlain(text), "n \(n)")
            for k in 0..<n {
                for b in Self.special {
                    var t = text
                    t[k] = b
                    #expect(!Self.isPlain(t), "n \(n) k \(k) byte \(b)")
                }
            }
        }
    }

    @Test func randomTextsAgreeWithTheByteRule() {
        var random = SeededRandom(seed: 42)
        for _ in 0..<20_000 {
            let n = random.below(80)
            let text = (0..<n).map { _ in random.below(12) == 0 ? random.pick(Self.special) : random.pick(Self.plain) }
            #expect(Self.isPlain(text) == Self.reference(text[...]), "\(text)")
        }
    }
}
