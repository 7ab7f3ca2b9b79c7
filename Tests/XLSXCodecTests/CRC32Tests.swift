import Testing
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
}
