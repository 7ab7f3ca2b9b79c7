import Testing
import CSVCodec

@Suite struct CSVErrorTests {
    private func position(_ e: CSVError?) -> [Int] {
        guard let p = e?.position else { return [] }
        return [p.record, p.line, p.column, p.byteOffset]
    }

    @Test func unterminatedQuoteNamesWhereItOpened() throws {
        let e = firstError("a,b\nc,\"de\nf,g\nh")
        #expect(e?.kind == .unterminatedQuote(openedAtLine: 2))
        #expect(position(e) == [2, 2, 3, 6])
        #expect(e?.description == "line 2, column 3: quoted field opened on line 2 is never closed")
    }

    @Test func quoteInUnquotedField() {
        let e = firstError("x\nab\"c\n")
        #expect(e?.kind == .quoteInUnquotedField)
        #expect(position(e) == [2, 2, 3, 4])
        #expect(e?.description == "line 2, column 3: quote inside an unquoted field")
    }

    @Test func textAfterClosingQuote() {
        let e = firstError("\"abc\"x,y\n")
        #expect(e?.kind == .textAfterClosingQuote)
        #expect(position(e) == [1, 1, 6, 5])
        let space = firstError("a,\"b\" \n")
        #expect(space?.kind == .textAfterClosingQuote)
        #expect(position(space) == [1, 1, 6, 5])
    }

    @Test func invalidUTF8IsRecoverableAndPointsAtTheBadByte() throws {
        let bytes = Array("ok\nx,b".utf8) + [0xFF] + Array("c\nnext\n".utf8)
        let reader = CSVReader(bytes: bytes)
        #expect(try reader.next()?.fields == ["ok"])
        do {
            _ = try reader.next()
            Issue.record("expected invalid UTF-8")
        } catch let e as CSVError {
            #expect(e.kind == .invalidUTF8)
            #expect(position(e) == [2, 2, 4, 6])
            #expect(e.isRecoverable)
        }
        let next = try #require(try reader.next())
        #expect(next.fields == ["next"])
        #expect(next.number == 3)
        #expect(next.line == 3)
        #expect(try reader.next() == nil)
    }

    @Test func invalidUTF8InsideAMultiLineQuotedField() {
        // `"l1` CR LF `q""` 0xFF `"`: the bad byte is at offset 8, line 2, column 4.
        let bytes = Array("\"l1\r\nq\"\"".utf8) + [0xFF] + Array("\"\n".utf8)
        let e = firstError(bytes)
        #expect(e?.kind == .invalidUTF8)
        #expect(position(e) == [1, 2, 4, 8])
    }

    @Test(arguments: [
        [0xC3] as [UInt8],             // truncated 2-byte sequence
        [0xC0, 0xAF],                  // overlong
        [0xE0, 0x80, 0xAF],            // overlong 3-byte
        [0xED, 0xA0, 0x80],            // surrogate
        [0xF4, 0x90, 0x80, 0x80],      // above U+10FFFF
        [0xF8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
        [0x80],                        // lone continuation
        [0xE2, 0x82],                  // truncated 3-byte sequence
    ])
    func invalidSequences(_ bad: [UInt8]) {
        let e = firstError(Array("abcdefghij,k".utf8) + bad + Array(",z\n".utf8))
        #expect(e?.kind == .invalidUTF8)
        #expect(position(e) == [1, 1, 13, 12])
    }

    @Test func invalidUTF8FirstBadByteInLongField() {
        let e = firstError(Array("é".utf8) + Array(repeating: UInt8(ascii: "a"), count: 20) + [0xFE, 0xFF])
        #expect(position(e) == [1, 1, 23, 22])
    }

    @Test func nulByteIsRecoverable() throws {
        let reader = CSVReader(bytes: Array("a\u{0}b,c\n\"x\u{0}\"\nd\n".utf8))
        do {
            _ = try reader.next()
            Issue.record("expected NUL error")
        } catch let e as CSVError {
            #expect(e.kind == .nulByte)
            #expect(position(e) == [1, 1, 2, 1])
        }
        do {
            _ = try reader.next()
            Issue.record("expected NUL error")
        } catch let e as CSVError {
            #expect(e.kind == .nulByte)
            #expect(position(e) == [2, 2, 3, 8])
        }
        #expect(try reader.next()?.fields == ["d"])
    }

    @Test func fieldTooLong() {
        let options = CSVReaderOptions(maxFieldBytes: 4)
        #expect(firstError("abcd,\"efgh\"\n", options) == nil)
        let e = firstError("ab,cd\nxy,abcde\n", options)
        #expect(e?.kind == .fieldTooLong(limit: 4))
        #expect(position(e) == [2, 2, 4, 9])
    }

    @Test func unterminatedQuoteCannotEatMemory() {
        // 4 MB after an opening quote, with a 1 KiB field limit and 64-byte blocks: stops early.
        let bytes = Array("a,\"".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 4 << 20)
        let reader = CSVReader(source: ChunkedSource(bytes: bytes, chunk: 64),
                               options: CSVReaderOptions(maxFieldBytes: 1024, blockSize: 64))
        #expect(throws: CSVError(kind: .fieldTooLong(limit: 1024), position: CSVPosition(record: 1, line: 1, column: 3, byteOffset: 2))) {
            _ = try reader.next()
        }
    }

    @Test func tooManyFields() {
        let options = CSVReaderOptions(maxFieldsPerRecord: 3)
        #expect(firstError("a,b,c\n", options) == nil)
        let e = firstError("a,b,c,d\n", options)
        #expect(e?.kind == .tooManyFields(limit: 3))
        #expect(position(e) == [1, 1, 7, 6])
        let many = firstError(String(repeating: ",", count: 200_000), CSVReaderOptions())
        #expect(many?.kind == .tooManyFields(limit: 10_000))
    }

    @Test func recordTooLong() {
        let options = CSVReaderOptions(maxFieldBytes: 10, maxRecordBytes: 25)
        #expect(firstError("0123456789,0123456789\n", options) == nil)
        let e = firstError("x\n0123456789,0123456789,0123456789\n", options)
        #expect(e?.kind == .recordTooLong(limit: 25))
        #expect(position(e) == [2, 2, 1, 2])
    }

    @Test func fatalErrorsAreSticky() throws {
        let reader = CSVReader(bytes: Array("a\"b\nc\n".utf8))
        #expect(throws: CSVError.self) { _ = try reader.next() }
        #expect(throws: CSVError.self) { _ = try reader.next() }
    }

    @Test func errorColumnsDoNotCountTheBOM() {
        let e = firstError([0xEF, 0xBB, 0xBF] + Array("ab\"".utf8))
        #expect(position(e) == [1, 1, 3, 5])
    }

    @Test func positionsAfterCRAndCRLFLines() {
        let e = firstError("a\rb\r\nc\n\"d\r\ne\"\r\nf\"")
        #expect(e?.kind == .quoteInUnquotedField)
        #expect(position(e) == [5, 6, 2, 16])
    }

    @Test func sourceErrorsBecomeIOErrors() {
        struct Failing: CSVByteSource {
            struct Boom: Error {}
            mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { throw Boom() }
        }
        let reader = CSVReader(source: Failing())
        do {
            _ = try reader.next()
            Issue.record("expected an error")
        } catch let e as CSVError {
            guard case .io = e.kind else { Issue.record("wrong kind"); return }
        } catch {
            Issue.record("not a CSVError: \(error)")
        }
    }
}
