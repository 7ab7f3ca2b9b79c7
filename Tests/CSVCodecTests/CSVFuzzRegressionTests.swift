import Testing
import CSVCodec

/// Inputs found by the `csv` fuzz target (Fuzz/), kept so the bugs stay fixed.
@Suite struct CSVFuzzRegressionTests {
    /// Every error and record the reader yields, with the input delivered `chunk` bytes at a time
    /// (`nil`: all at once).
    private func outcome(_ bytes: [UInt8], _ options: CSVReaderOptions, chunk: Int?) -> [String] {
        let reader = chunk.map { CSVReader(source: ChunkedSource(bytes: bytes, chunk: $0), options: options) }
            ?? CSVReader(bytes: bytes, options: options)
        var steps: [String] = []
        while steps.count < 100 {
            do {
                guard let record = try reader.next() else { break }
                steps.append("record \(record.number): \(record.fields)")
            } catch let error as CSVError {
                steps.append("\(error.position.record) \(error)")
                if !error.isRecoverable { break }
            } catch {
                steps.append("unexpected \(error)")
                break
            }
        }
        return steps
    }

    /// fuzz csv, crash input 1: a field over the limit followed by a stray quote in the same
    /// block was reported as "quote inside an unquoted field" when read whole, but as "field
    /// longer than 16 bytes" when read(2) returned it in pieces: the error a file got depended on
    /// how a pipe split it. The limit broken first (at the 17th byte) must win either way.
    @Test func fieldLimitBeforeStrayQuoteWhateverTheBlocks() {
        let bytes: [UInt8] = [0, 0, 0, 0, 0x63] + [UInt8](repeating: 0, count: 15) + [0x22]
        var options = CSVReaderOptions(delimiter: UInt8(ascii: ";"), encoding: .latin1,
                                       maxFieldBytes: 16, maxRecordBytes: 48)
        options.blockSize = 17
        let expected = ["1 line 1, column 1: field longer than 16 bytes"]
        #expect(outcome(bytes, options, chunk: nil) == expected)
        for chunk in 1...24 {
            #expect(outcome(bytes, options, chunk: chunk) == expected, "chunk \(chunk)")
        }
    }

    /// The same for the record limit against "too many fields" and "text after the closing quote".
    @Test func recordLimitBeforeLaterErrorsWhateverTheBlocks() {
        var options = CSVReaderOptions(maxFieldBytes: 16, maxFieldsPerRecord: 3, maxRecordBytes: 20)
        options.blockSize = 16
        let tooMany = Array("0123456789,0123456789,x,y\n".utf8)
        let afterQuote = Array("0123456789,0123456789,\"x\"y\n".utf8)
        for bytes in [tooMany, afterQuote] {
            let expected = ["1 line 1, column 1: record longer than 20 bytes"]
            #expect(outcome(bytes, options, chunk: nil) == expected)
            for chunk in 1...30 {
                #expect(outcome(bytes, options, chunk: chunk) == expected, "chunk \(chunk)")
            }
        }
    }
}
