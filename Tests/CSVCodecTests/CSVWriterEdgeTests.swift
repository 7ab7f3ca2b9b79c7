import Testing
import CSVCodec

@Suite struct CSVWriterEdgeTests {
    @Test func aLeadingFEFFInTheFirstFieldSurvives() throws {
        var plain = CSVWriter()
        try plain.write(record: ["\u{FEFF}x", "\u{FEFF}y"])
        #expect(String(decoding: plain.bytes, as: UTF8.self) == "\"\u{FEFF}x\",\u{FEFF}y\r\n")
        #expect(try parse(plain.bytes) == [["\u{FEFF}x", "\u{FEFF}y"]])
        var bom = CSVWriter(options: CSVWriterOptions(byteOrderMark: true))
        try bom.write(record: ["\u{FEFF}x"])
        #expect(try parse(bom.bytes) == [["\u{FEFF}x"]])
    }

    @Test func recordsFromTheReaderHonourExemptions() throws {
        let reader = CSVReader(bytes: Array("-1,-2\n".utf8))
        let r = try #require(try reader.next())
        var w = CSVWriter(options: CSVWriterOptions(lineEnding: .lf, spreadsheetSafe: true))
        try w.write(record: r, formulaSafeColumns: [1])
        #expect(String(decoding: w.bytes, as: UTF8.self) == "'-1,-2\n")
    }
}
