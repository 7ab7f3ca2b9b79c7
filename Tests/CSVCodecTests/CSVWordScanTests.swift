import Testing
import CSVCodec

/// The reader scans 8 bytes at a time; these put special and look-alike bytes at every offset of a word.
@Suite struct CSVWordScanTests {
    @Test func specialBytesAtEveryOffset() throws {
        for k in 0...17 {
            let x = String(repeating: "x", count: k)
            let y = String(repeating: "y", count: 17 - k)
            #expect(try parse("\(x),\(y)\n\(y),\(x)\r\n") == [[x, y], [y, x]], "k = \(k)")
            #expect(try parse("\"\(x)\"\"\(y)\",\"\(y)\r\n\(x)\"\n") == [["\(x)\"\(y)", "\(y)\r\n\(x)"]], "k = \(k)")
        }
    }

    @Test func controlBytesThatLookSpecialAreData() throws {
        let controls = String(String.UnicodeScalarView((1...0x1F).filter { $0 != 0x0A && $0 != 0x0D }.map { UnicodeScalar(UInt8($0)) }))
        #expect(try parse("\(controls),\"\(controls)\"\n", CSVReaderOptions(delimiter: UInt8(ascii: ","))) == [[controls, controls]])
        #expect(try parse("a\u{B}b\tc\u{C}\n", CSVReaderOptions(delimiter: 0x09)) == [["a\u{B}b", "c\u{C}"]])
    }

    @Test func badByteAtEveryOffsetIsFound() {
        for k in 0...16 {
            let prefix = Array(repeating: UInt8(ascii: "x"), count: k)
            let unquoted = firstError(prefix + [0xFF] + Array(",abcdefghijk\n".utf8))
            #expect(unquoted?.kind == .invalidUTF8, "k = \(k)")
            #expect(unquoted?.position.byteOffset == k)
            let quoted = firstError([0x22] + prefix + [0xC3] + Array("\",abcdefghijk\n".utf8))
            #expect(quoted?.position.byteOffset == k + 1, "k = \(k)")
            let nul = firstError(prefix + [0] + Array("abcdefghijk,z\n".utf8))
            #expect(nul?.kind == .nulByte)
            #expect(nul?.position.byteOffset == k)
        }
    }

    @Test func nonASCIIAfterTheDelimiterBelongsToTheNextField() throws {
        // "ab,é" in one word: the first field is ASCII, the second is not; both valid.
        #expect(try parse("ab,é,cdefgh,ij\n") == [["ab", "é", "cdefgh", "ij"]])
        let e = firstError(Array("ab,".utf8) + [0xFF] + Array("cdefghij\n".utf8))
        #expect(e?.position.byteOffset == 3)
    }
}
