import Testing
import CSVCodec

/// Block boundaries must never change what is read: every input below, fed in blocks of 1…17 bytes,
/// gives the same records, positions, raw bytes and errors as in one block.
@Suite struct CSVSplitPointTests {
    static let inputs: [[UInt8]] = [
        [0xEF, 0xBB, 0xBF] + Array("a,b\r\n1,2\r\n".utf8),                 // BOM split
        [0xEF, 0xBB],                                                       // half a BOM
        Array("a,b\r\nc,d\r\n\r\ne,f\r".utf8),                              // CRLF split, CR at end
        Array("\"a\"\"b\",\"\"\"\"\r\n\"x\"\"\",y\n".utf8),                 // quote-quote split
        Array("\"multi\r\nline\rfield\ncrlf\",\"q\"\"\r\n\"\"\"\r\n".utf8), // line ends in quotes
        Array("h1;h2;h3\n1;\"2;x\";3\n".utf8),                              // detected delimiter
        Array("é,日本,😀\n\"ü\nß\",Ω,\r\n".utf8),                          // multibyte split
        Array("a,b,c\n,,\n\n\n\"\",x,\"\"".utf8),                           // empty fields, no final line end
        Array("ok\nx,".utf8) + [0xE2, 0x82] + Array("\ny\n".utf8),          // invalid UTF-8 (recoverable)
        Array("a\u{0}b\nc\n".utf8),                                          // NUL (recoverable)
        Array("a,b\nc,\"d\r\ne".utf8),                                       // unterminated quote
        Array("a,b\r\nc,d\"e\n".utf8),                                       // quote in unquoted field
        Array("a,\"b\"\r\n\"c\"x\n".utf8),                                  // text after closing quote
        Array(String(repeating: "field,", count: 10).utf8) + Array("\"end\"\r\n".utf8),
    ]

    @Test(arguments: inputs.indices)
    func splitPointsDoNotMatter(_ index: Int) {
        let bytes = Self.inputs[index]
        for keepRaw in [false, true] {
            let options = CSVReaderOptions(keepRawRecord: keepRaw)
            let wholeReader = CSVReader(bytes: bytes, options: options)
            let whole = readAll(wholeReader)
            #expect(!whole.isEmpty || bytes.count < 4)
            for chunk in 1...17 {
                let reader = CSVReader(source: ChunkedSource(bytes: bytes, chunk: chunk), options: options)
                let split = readAll(reader)
                #expect(split == whole, "input \(index), blocks of \(chunk)")
                #expect(reader.hadBOM == wholeReader.hadBOM)
                #expect(reader.delimiter == wholeReader.delimiter)
            }
        }
    }

    @Test func expectedOutcomesOfTrickyInputs() {
        #expect(readAll(CSVReader(bytes: Self.inputs[3])) == [
            .record(fields: ["a\"b", "\""], number: 1, line: 1, byteOffset: 0, raw: nil),
            .record(fields: ["x\"", "y"], number: 2, line: 2, byteOffset: 13, raw: nil),
        ])
        #expect(readAll(CSVReader(bytes: Self.inputs[4])).count == 1)
        #expect(readAll(CSVReader(bytes: Self.inputs[5])) == [
            .record(fields: ["h1", "h2", "h3"], number: 1, line: 1, byteOffset: 0, raw: nil),
            .record(fields: ["1", "2;x", "3"], number: 2, line: 2, byteOffset: 9, raw: nil),
        ])
    }
}
