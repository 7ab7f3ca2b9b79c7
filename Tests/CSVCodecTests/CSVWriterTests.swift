import Testing
import CSVCodec

@Suite struct CSVWriterTests {
    private func written(_ records: [[String]], _ options: CSVWriterOptions = .init()) throws -> String {
        var w = CSVWriter(options: options)
        for r in records { try w.write(record: r) }
        return String(decoding: w.bytes, as: UTF8.self)
    }

    @Test func quotesOnlyWhereNeeded() throws {
        #expect(try written([["a", "b c", " d ", "é"]]) == "a,b c, d ,é\r\n")
        #expect(try written([["a,b", "q\"q", "l\nf", "c\rr", ""]]) == "\"a,b\",\"q\"\"q\",\"l\nf\",\"c\rr\",\r\n")
        #expect(try written([["a;b", "t\tb"]], CSVWriterOptions(delimiter: UInt8(ascii: ";"))) == "\"a;b\";t\tb\r\n")
        #expect(try written([["a;b", "t\tb"]], CSVWriterOptions(delimiter: 0x09)) == "a;b\t\"t\tb\"\r\n")
    }

    @Test func lineEndingsAndBOM() throws {
        #expect(try written([["a"], ["b"]], CSVWriterOptions(lineEnding: .lf)) == "a\nb\n")
        #expect(try written([["a"], ["b"]]) == "a\r\nb\r\n")
        var w = CSVWriter(options: CSVWriterOptions(byteOrderMark: true))
        try w.write(record: ["a"])
        try w.write(record: ["b"])
        #expect(w.bytes == [0xEF, 0xBB, 0xBF, 0x61, 0x0D, 0x0A, 0x62, 0x0D, 0x0A])
    }

    @Test func aLoneEmptyFieldIsQuotedSoItIsNotABlankLine() throws {
        #expect(try written([[""], ["", ""]]) == "\"\"\r\n,\r\n")
        #expect(try parse(try written([[""]])) == [[""]])
    }

    @Test func spreadsheetSafePrefixesFormulas() throws {
        let safe = CSVWriterOptions(spreadsheetSafe: true)
        #expect(try written([["=SUM(A1)", "+1", "-2", "@x", "\tt", "\rr", "ok", "a=b", ""]], safe)
                == "'=SUM(A1),'+1,'-2,'@x,'\tt,\"'\rr\",ok,a=b,\r\n")
        #expect(try written([["=1"]]) == "=1\r\n", "off by default")
        var w = CSVWriter(options: safe)
        try w.write(record: ["-5", "-5", "=x,y"], formulaSafeColumns: [0])
        #expect(String(decoding: w.bytes, as: UTF8.self) == "-5,'-5,\"'=x,y\"\r\n")
    }

    @Test func writesToAFileDescriptorInBlocks() throws {
        let path = "/tmp/csvcodec-writer-\(UInt32.random(in: 0...UInt32.max)).csv"
        defer { removeFile(path) }
        let fd = openForWriting(path)
        var w = CSVWriter(fileDescriptor: fd, options: CSVWriterOptions(lineEnding: .lf))
        var expected: [[String]] = []
        for i in 0..<20_000 {
            let r = ["\(i)", "text, with \"quotes\"", "x"]
            expected.append(r)
            try w.write(record: r)
        }
        try w.flush()
        closeFile(fd)
        let reader = try CSVReader(path: path)
        var back: [[String]] = []
        while let r = try reader.next() { back.append(r.fields) }
        #expect(back == expected)
    }

    @Test func writeErrorIsAnIOError() {
        var w = CSVWriter(fileDescriptor: 987_654)
        do {
            try w.write(record: ["a"])
            try w.flush()
            Issue.record("expected an error")
        } catch let e as CSVError {
            guard case .io = e.kind else { Issue.record("wrong kind"); return }
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
