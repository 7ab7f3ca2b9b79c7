import Testing
import TestSupport
import XLSXCodec

@Suite struct CRC32Tests {
    @Test func knownVectors() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    }

    @Test func piecesGiveTheSameChecksumAsTheWhole() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }
        var crc = CRC32()
        var i = 0
        for step in [1, 2, 3, 5, 7, 4096] where i < bytes.count {
            crc.update(Array(bytes[i..<min(i + step, bytes.count)]))
            i += step
        }
        crc.update(Array(bytes[min(i, bytes.count)...]))
        #expect(crc.value == CRC32.checksum(bytes))
    }

    /// The CRC-32 by its definition, a bit at a time: what the table-driven code must agree with.
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    /// Random bytes of every length around the 16-byte steps, in random pieces (so the steps start
    /// at every alignment and the byte-by-byte tail runs with every remainder), against ``reference(_:)``.
    @Test func agreesWithTheBitwiseDefinitionOnRandomInput() {
        var random = SeededRandom(seed: 0xC3C3)
        for length in Array(0...70) + [255, 256, 1_000, 4_099, 65_537] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let expected = Self.reference(bytes)
            #expect(CRC32.checksum(bytes) == expected, "\(length) bytes")
            var crc = CRC32()
            var i = 0
            while i < bytes.count {
                let n = min(bytes.count - i, Int.random(in: 1...40, using: &random))
                crc.update(Array(bytes[i..<(i + n)]))
                i += n
            }
            #expect(crc.value == expected, "\(length) bytes in pieces")
        }
    }
}
