import Testing
import TestSupport
import CSVCodec

/// Whatever the writer writes, the reader reads back identically.
@Suite struct CSVRoundTripTests {
    static let pieces: [String] = [
        "a", "bc", " ", ",", ";", "\t", "|", "\"", "\"\"", "\r", "\n", "\r\n", "é", "日本", "😀", "x y", "=1+2", "-", "'",
    ]

    static func randomRecords(seed: UInt64, count: Int) -> [[String]] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            (0..<Int.random(in: 1...6, using: &rng)).map { _ in
                if Int.random(in: 0..<5, using: &rng) == 0 { return "" } // empty fields are common
                return (0..<Int.random(in: 1...5, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            }
        }
    }

    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")], [CSVWriterOptions.LineEnding.crlf, .lf])
    func randomRecordsRoundTrip(_ delimiter: UInt8, _ lineEnding: CSVWriterOptions.LineEnding) throws {
        let records = Self.randomRecords(seed: UInt64(delimiter) << 8 | (lineEnding == .crlf ? 1 : 2), count: 400)
        var writer = CSVWriter(options: CSVWriterOptions(delimiter: delimiter, lineEnding: lineEnding))
        for r in records { try writer.write(record: r) }
        let bytes = writer.bytes
        #expect(try parse(bytes, CSVReaderOptions(delimiter: delimiter)) == records)
        for chunk in [1, 2, 3, 5, 8, 13] {
            let reader = CSVReader(source: ChunkedSource(bytes: bytes, chunk: chunk), options: CSVReaderOptions(delimiter: delimiter))
            var back: [[String]] = []
            while let r = try reader.next() { back.append(r.fields) }
            #expect(back == records, "blocks of \(chunk)")
        }
    }

    @Test func rawBytesReproduceTheInput() throws {
        let records = Self.randomRecords(seed: 42, count: 300)
        var writer = CSVWriter(options: CSVWriterOptions(lineEnding: .lf))
        for r in records { try writer.write(record: r) }
        let reader = CSVReader(bytes: writer.bytes, options: CSVReaderOptions(delimiter: UInt8(ascii: ","), keepRawRecord: true))
        var rebuilt: [UInt8] = []
        while let r = try reader.next() { rebuilt += (r.rawBytes ?? []) + [0x0A] }
        #expect(rebuilt == writer.bytes)
    }

    @Test func readRecordsWriteBackIdentically() throws {
        let records = Self.randomRecords(seed: 7, count: 200)
        var first = CSVWriter()
        for r in records { try first.write(record: r) }
        let reader = CSVReader(bytes: first.bytes, options: CSVReaderOptions(delimiter: UInt8(ascii: ",")))
        var second = CSVWriter()
        while let r = try reader.next() { try second.write(record: r) }
        #expect(second.bytes == first.bytes)
    }
}
