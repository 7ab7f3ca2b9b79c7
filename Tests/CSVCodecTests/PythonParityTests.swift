import Testing
import CSVCodec

/// The reader agrees with CPython's csv module on a messy file (generated rows plus hand-made nasty ones).
@Suite struct PythonParityTests {
    private func joined(_ rows: [[String]]) -> String {
        rows.map { $0.joined(separator: "\u{1F}") }.joined(separator: "\u{1E}")
    }

    @Test func readsWhatPythonReads() throws {
        let bytes = Array(PythonParityFixture.csv.utf8)
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let rows = try parse(bytes)
        #expect(rows.count == PythonParityFixture.recordCount)
        #expect(joined(rows) == PythonParityFixture.expected)
        for chunk in [1, 3, 64] {
            let reader = CSVReader(source: ChunkedSource(bytes: bytes, chunk: chunk))
            var split: [[String]] = []
            while let r = try reader.next() { split.append(r.fields) }
            #expect(split == rows, "blocks of \(chunk)")
        }
    }

    @Test func writerRoundTripsTheFixture() throws {
        let rows = try parse(Array(PythonParityFixture.csv.utf8))
        var writer = CSVWriter()
        for r in rows { try writer.write(record: r) }
        #expect(try parse(writer.bytes) == rows)
    }
}
