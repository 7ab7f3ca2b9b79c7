import Testing
import CSVCodec

@Suite struct CSVReaderTests {
    @Test func readsSimpleRecords() throws {
        let reader = CSVReader(bytes: Array("a,b\n1,2\n".utf8))
        #expect(try reader.next()?.fields == ["a", "b"])
        #expect(try reader.next()?.fields == ["1", "2"])
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
    }

    @Test func quotedFieldsWithDelimitersQuotesAndLineEnds() throws {
        let text = "a,\"b,c\",\"d\"\"e\",\"\"\"\"\n\"x\r\ny\",\"x\ry\",\"x\ny\",\"\"\n"
        #expect(try parse(text) == [["a", "b,c", "d\"e", "\""], ["x\r\ny", "x\ry", "x\ny", ""]])
    }

    @Test(arguments: ["\n", "\r", "\r\n"])
    func recordEnds(_ end: String) throws {
        #expect(try parse("a,b\(end)c,d\(end)") == [["a", "b"], ["c", "d"]])
        #expect(try parse("a,b\(end)c,d") == [["a", "b"], ["c", "d"]])
    }

    @Test func emptyFields() throws {
        #expect(try parse(",,\n") == [["", "", ""]])
        #expect(try parse("a,") == [["a", ""]])
        #expect(try parse("a,\n") == [["a", ""]])
        #expect(try parse("\"\"\n") == [[""]])
        #expect(try parse(",\"\"") == [["", ""]])
        #expect(try parse("") == [])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let reader = CSVReader(bytes: Array("\na\n\n\r\n\rb\r\n\r\n".utf8))
        let a = try #require(try reader.next())
        #expect(a.fields == ["a"])
        #expect(a.number == 1)
        #expect(a.line == 2)
        let b = try #require(try reader.next())
        #expect(b.fields == ["b"])
        #expect(b.number == 2)
        #expect(b.line == 6)
        #expect(b.byteOffset == 7)
        #expect(try reader.next() == nil)
    }

    @Test func recordsOfAnyWidth() throws {
        #expect(try parse("a,b,c\n1\n1,2,3,4,5\n") == [["a", "b", "c"], ["1"], ["1", "2", "3", "4", "5"]])
    }

    @Test func numbersLinesAndOffsetsOfRecords() throws {
        let reader = CSVReader(bytes: Array("h1,h2\r\n\"multi\r\nline\",x\r\nlast,y".utf8))
        var outcomes: [[Int]] = []
        while let r = try reader.next() { outcomes.append([r.number, r.line, r.byteOffset, r.count]) }
        #expect(outcomes == [[1, 1, 0, 2], [2, 2, 7, 2], [3, 4, 24, 2]])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let reader = CSVReader(bytes: [0xEF, 0xBB, 0xBF] + Array("a,b\n".utf8))
        #expect(try reader.next()?.fields == ["a", "b"])
        #expect(reader.hadBOM)
        let plain = CSVReader(bytes: Array("a,b\n".utf8))
        _ = try plain.next()
        #expect(!plain.hadBOM)
        // A BOM elsewhere is data.
        #expect(try parse([0x61, 0x0A, 0xEF, 0xBB, 0xBF, 0x62]) == [["a"], ["\u{FEFF}b"]])
        // A file that is only a BOM has no records.
        #expect(try parse([0xEF, 0xBB, 0xBF]) == [])
    }

    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")])
    func anySingleByteDelimiter(_ d: UInt8) throws {
        let s = String(UnicodeScalar(d))
        let text = "a\(s)\"b\(s)c\"\(s)\n1\(s)2\(s)3\n"
        #expect(try parse(text, CSVReaderOptions(delimiter: d)) == [["a", "b\(s)c", ""], ["1", "2", "3"]])
    }

    @Test func otherDelimitersAreDataWhenOneIsGiven() throws {
        #expect(try parse("a;b,c\tb|d\n", CSVReaderOptions(delimiter: UInt8(ascii: ","))) == [["a;b", "c\tb|d"]])
    }

    @Test func delimiterDetection() throws {
        func detected(_ text: String, chunk: Int = 1 << 20) throws -> UInt8 {
            let reader = CSVReader(source: ChunkedSource(bytes: Array(text.utf8), chunk: chunk))
            _ = try reader.next()
            return reader.delimiter
        }
        #expect(try detected("a;b;c\n1;2;3\n") == UInt8(ascii: ";"))
        #expect(try detected("a\tb\tc\n1\t2\t3\n") == 0x09)
        #expect(try detected("a,b,c\n") == UInt8(ascii: ","))
        #expect(try detected("name\n") == UInt8(ascii: ","))
        #expect(try detected("") == UInt8(ascii: ","))
        #expect(try detected("a,b;c;d\n") == UInt8(ascii: ";"))
        #expect(try detected("\"x,y,z\";b\n1,2,3,4,5\n") == UInt8(ascii: ";"), "only the header counts, outside quotes")
        #expect(try detected("a;b,c\n") == UInt8(ascii: ","), "ties go to the comma")
        #expect(try detected("\u{FEFF}a;b\n") == UInt8(ascii: ";"))
        #expect(try detected("\n\na;b\n") == UInt8(ascii: ";"), "leading blank lines are skipped")
        let long = String(repeating: "x", count: 100) + ";" + String(repeating: "y", count: 100) + "\n1;2\n"
        #expect(try detected(long, chunk: 1) == UInt8(ascii: ";"), "the header may span many blocks")
        let rows = try parse("a;b\n1;2\n")
        #expect(rows == [["a", "b"], ["1", "2"]])
    }

    @Test func givenDelimiterIsReported() {
        let reader = CSVReader(bytes: [], options: CSVReaderOptions(delimiter: UInt8(ascii: "|")))
        #expect(reader.delimiter == UInt8(ascii: "|"))
    }

    @Test func fieldAccess() throws {
        let reader = CSVReader(bytes: Array("héllo,\"wo\"\"rld\"\n".utf8))
        let r = try #require(try reader.next())
        #expect(r.count == 2)
        #expect(r[0] == "héllo")
        #expect(r[1] == "wo\"rld")
        #expect(r.withFieldBytes(0) { Array($0) } == Array("héllo".utf8))
        #expect(r.withFieldBytes(1) { $0.count } == 6)
        #expect(r.rawBytes == nil)
    }

    @Test func readRecordReusesTheRecord() throws {
        let reader = CSVReader(bytes: Array("a,b,c\n1\n".utf8))
        var r = CSVRecord()
        #expect(try reader.readRecord(into: &r))
        #expect(r.fields == ["a", "b", "c"])
        #expect(try reader.readRecord(into: &r))
        #expect(r.fields == ["1"])
        #expect(r.number == 2)
        #expect(try !reader.readRecord(into: &r))
    }

    @Test func validUTF8IsAccepted() throws {
        let text = "é,日本,😀,\"ü\nß\",\u{10FFFF},\u{7F}\n"
        #expect(try parse(text) == [["é", "日本", "😀", "ü\nß", "\u{10FFFF}", "\u{7F}"]])
    }

    @Test func keepRawRecordIsExact() throws {
        let text = "a,\"b\r\nc\"\r\n\"d\"\"\",e\r\n\n\rlast,\"\""
        let reader = CSVReader(bytes: Array(text.utf8), options: CSVReaderOptions(keepRawRecord: true))
        var raws: [String] = []
        while let r = try reader.next() { raws.append(String(decoding: r.rawBytes ?? [], as: UTF8.self)) }
        #expect(raws == ["a,\"b\r\nc\"", "\"d\"\"\",e", "last,\"\""])
    }

    @Test func keepRawRecordAfterBOMAndTranscoding() throws {
        let bom = CSVReader(bytes: [0xEF, 0xBB, 0xBF, 0x61, 0x2C, 0x62], options: CSVReaderOptions(keepRawRecord: true))
        #expect(try bom.next()?.rawBytes == [0x61, 0x2C, 0x62])
        let latin = CSVReader(bytes: [0xE9, 0x2C, 0x62, 0x0A], options: CSVReaderOptions(encoding: .latin1, keepRawRecord: true))
        #expect(try latin.next()?.rawBytes == [0xC3, 0xA9, 0x2C, 0x62])
    }

    @Test func smallBlocksGiveTheSameRecords() throws {
        let text = String(repeating: "alpha,\"be\"\"ta\",\"multi\r\nline\",δ\r\n", count: 50)
        let big = try parse(text)
        for block in [1, 7, 16, 33] {
            #expect(try parse(text, CSVReaderOptions(blockSize: block)) == big)
        }
    }

    @Test func fileDescriptorAndPath() throws {
        let path = "/tmp/csvcodec-test-\(UInt32.random(in: 0...UInt32.max)).csv"
        var writer = CSVWriter(options: CSVWriterOptions(lineEnding: .lf))
        for i in 0..<5000 { try writer.write(record: ["\(i)", "name \(i)", "quote \" \(i)"]) }
        try writeFile(path, writer.bytes)
        defer { removeFile(path) }
        let reader = try CSVReader(path: path, options: CSVReaderOptions(blockSize: 4096))
        var n = 0
        while let r = try reader.next() {
            #expect(r.fields == ["\(n)", "name \(n)", "quote \" \(n)"])
            n += 1
        }
        #expect(n == 5000)
    }

    @Test func missingFileIsAClearIOError() {
        do {
            _ = try CSVReader(path: "/nonexistent/dir/x.csv")
            Issue.record("expected an error")
        } catch let error as CSVError {
            guard case .io(let message) = error.kind else { Issue.record("wrong kind \(error.kind)"); return }
            #expect(message.contains("/nonexistent/dir/x.csv"))
            #expect(error.description.hasPrefix("cannot open /nonexistent/dir/x.csv"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
