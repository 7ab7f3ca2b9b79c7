import Testing
import CSVCodec

@Suite struct CSVEncodingTests {
    @Test func latin1MapsEveryHighByteToTheSameCodePoint() throws {
        let high = (0x80...0xFF).map { UInt8($0) }
        let rows = try parse(high + [0x0A], CSVReaderOptions(encoding: .latin1))
        let expected = String(String.UnicodeScalarView(high.map { UnicodeScalar($0) }))
        #expect(rows == [[expected]])
    }

    @Test func latin1Text() throws {
        let bytes: [UInt8] = [0x63, 0x61, 0x66, 0xE9, 0x3B, 0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0x0A]
        #expect(try parse(bytes, CSVReaderOptions(delimiter: UInt8(ascii: ";"), encoding: .latin1)) == [["café", "Müller"]])
        #expect(try parse(bytes, CSVReaderOptions(encoding: .latin1)) == [["café", "Müller"]], "detection works on transcoded text")
    }

    @Test func windows1252Table() throws {
        let expected: [UInt32] = [
            0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
            0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
            0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
            0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
        ] + (0xA0...0xFF).map { UInt32($0) }
        let bytes = (0x80...0xFF).map { UInt8($0) }
        let rows = try parse(bytes, CSVReaderOptions(encoding: .windows1252))
        let scalars = rows.first?.first?.unicodeScalars.map(\.value)
        #expect(scalars == expected)
    }

    @Test func windows1252Words() throws {
        // "€5,”quoted”" in cp1252: 0x80 is the euro sign, 0x94 a right double quote (data, not a CSV quote).
        let bytes: [UInt8] = [0x80, 0x35, 0x2C, 0x94, 0x71, 0x94, 0x0D, 0x0A]
        #expect(try parse(bytes, CSVReaderOptions(encoding: .windows1252)) == [["€5", "”q”"]])
    }

    @Test func transcodingAcrossTinyBlocks() throws {
        let bytes: [UInt8] = Array("name,city\n".utf8) + [0x4A, 0xF6, 0x72, 0x67, 0x2C, 0x80, 0x0A, 0x22, 0xE9, 0x0A, 0x22, 0x0A]
        for encoding in [CSVTextEncoding.latin1, .windows1252] {
            let whole = readAll(CSVReader(bytes: bytes, options: CSVReaderOptions(encoding: encoding)))
            for chunk in 1...5 {
                let reader = CSVReader(source: ChunkedSource(bytes: bytes, chunk: chunk), options: CSVReaderOptions(encoding: encoding))
                #expect(readAll(reader) == whole)
            }
        }
    }

    @Test func latin1DoesNotSkipBOMBytes() throws {
        #expect(try parse([0xEF, 0xBB, 0xBF, 0x61], CSVReaderOptions(encoding: .latin1)) == [["ï»¿a"]])
    }
}
