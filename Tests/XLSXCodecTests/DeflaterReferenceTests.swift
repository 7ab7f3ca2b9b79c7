import Testing
import TestSupport
import XLSXCodec

/// The deflater's output, byte for byte, against a plain reference of the same parse: greedy
/// LZ77 with one candidate per position (the last earlier position whose four bytes have the
/// same multiplicative hash, 15 bits, within 32 KiB), matches of 3 to 258 bytes, one fixed-Huffman
/// block. Written with arrays and a dictionary, no pointers: the pointer code (the 32-bit hash
/// table, the eight-byte comparison, the bit buffer) must choose the same matches and write the
/// same bits, however the input is cut into pieces. The workbooks it writes then stay the same bytes.
@Suite struct DeflaterReferenceTests {
    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// Bits written least significant first, as DEFLATE packs them.
    struct Bits {
        var bytes: [UInt8] = []
        var used = 8
        mutating func bit(_ b: Int) {
            if used == 8 { bytes.append(0); used = 0 }
            if b != 0 { bytes[bytes.count - 1] |= 1 << UInt8(used) }
            used += 1
        }
        /// `count` bits of `value`, low bit first (header fields, extra bits).
        mutating func value(_ value: Int, _ count: Int) {
            for i in 0..<count { bit((value >> i) & 1) }
        }
        /// A Huffman code, its most significant bit first (RFC 1951, 3.1.1).
        mutating func code(_ code: Int, _ count: Int) {
            for i in stride(from: count - 1, through: 0, by: -1) { bit((code >> i) & 1) }
        }
        /// Literal/length symbol `s` in the fixed code (RFC 1951, 3.2.6).
        mutating func symbol(_ s: Int) {
            switch s {
            case 0...143: code(0x30 + s, 8)
            case 144...255: code(0x190 + s - 144, 9)
            case 256...279: code(s - 256, 7)
            default: code(0xC0 + s - 280, 8)
            }
        }
    }

    static func reference(_ input: [UInt8]) -> [UInt8] {
        var out = Bits()
        out.value(1, 1) // BFINAL
        out.value(1, 2) // BTYPE 01: fixed Huffman
        var last: [Int: Int] = [:]
        var p = 0
        while p < input.count {
            var length = 0, distance = 0
            if p + 4 <= input.count {
                let v = UInt32(input[p]) | UInt32(input[p + 1]) << 8 | UInt32(input[p + 2]) << 16 | UInt32(input[p + 3]) << 24
                let h = Int((v &* 2_654_435_761) >> 17)
                if let c = last[h], p - c <= 32_768 {
                    while length < min(258, input.count - p), input[c + length] == input[p + length] { length += 1 }
                    distance = p - c
                }
                last[h] = p
            }
            if length >= 3 {
                var s = lengthBase.count - 1
                while lengthBase[s] > length { s -= 1 }
                out.symbol(257 + s)
                out.value(length - lengthBase[s], lengthExtra[s])
                var d = distanceBase.count - 1
                while distanceBase[d] > distance { d -= 1 }
                out.code(d, 5)
                out.value(distance - distanceBase[d], distanceExtra[d])
                p += length
            } else {
                out.symbol(Int(input[p]))
                p += 1
            }
        }
        out.symbol(256)
        return out.bytes
    }

    @Test func sameBytesAsTheReferenceOnEveryShape() {
        for seed in 200..<248 as Range<UInt64> {
            let data = DeflaterFuzzTests.input(seed: seed)
            #expect(DeflaterFuzzTests.deflate(data, seed: seed) == Self.reference(data), "seed \(seed), \(data.count) bytes")
        }
    }

    /// Sheet rows long enough to slide the window many times and to fill the hash table.
    @Test func sameBytesAsTheReferenceOnALongSheet() {
        var random = SeededRandom(seed: 0x5EE7)
        var xml: [UInt8] = []
        var row = 1
        while xml.count < 600_000 {
            let n = Int.random(in: 0...9_999_999, using: &random)
            xml += Array("<row r=\"\(row)\"><c><v>\(row)</v></c><c t=\"s\"><v>10</v></c><c t=\"inlineStr\"><is><t>Person \(n) Dubois</t></is></c><c t=\"inlineStr\"><is><t>p\(n)@acme.example</t></is></c></row>".utf8)
            row += 1
        }
        #expect(DeflaterFuzzTests.deflate(xml, seed: 9) == Self.reference(xml))
    }
}
