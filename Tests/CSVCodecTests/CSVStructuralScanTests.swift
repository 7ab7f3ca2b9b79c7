import TestSupport
import Testing
@testable import CSVCodec

/// The structural scan (64-byte bit masks, issue 17) against the scalar path it replaced: on every
/// input below, every dialect, limit and block split, both must give the same records, positions,
/// raw bytes and errors. The inputs: the other suites' split-point inputs, the Python parity file,
/// the fuzz seeds, snippets slid across 16/32/64-byte window edges and block edges, and random bytes.
@Suite struct CSVStructuralScanTests {
    /// Reads everything with one path; `lending` reads through ``CSVReader/readRecord(lending:)``,
    /// `lendingRaw` through ``CSVReader/readRecord(lendingRaw:)`` (the raw bytes lent in place).
    static func outcomes(_ bytes: [UInt8], _ options: CSVReaderOptions, structural: Bool, chunk: Int?,
                         lending: Bool = false, lendingRaw: Bool = false) -> [Outcome] {
        let reader = chunk.map { CSVReader(source: ChunkedSource(bytes: bytes, chunk: $0), options: options) }
            ?? CSVReader(bytes: bytes, options: options)
        reader.structuralScan = structural
        guard lending || lendingRaw else { return readAll(reader) }
        var result: [Outcome] = []
        while true {
            do {
                let outcome = lendingRaw ? try reader.readRecord(lendingRaw: { record in
                    var raw: [UInt8] = []
                    record.appendRaw(to: &raw)
                    #expect(record.rawCount == raw.count)
                    return Outcome.record(fields: (0..<record.count).map { String(decoding: record.field($0), as: UTF8.self) },
                                          number: record.number, line: record.line, byteOffset: record.byteOffset,
                                          raw: options.keepRawRecord ? raw : nil)
                }) : try reader.readRecord { record, raw in
                    Outcome.record(fields: (0..<record.count).map { String(decoding: record.field($0), as: UTF8.self) },
                                   number: record.number, line: record.line, byteOffset: record.byteOffset,
                                   raw: options.keepRawRecord ? raw : nil)
                }
                guard let outcome else { return result }
                result.append(outcome)
            } catch let error as CSVError {
                result.append(.failure(error))
                if !error.isRecoverable { return result }
            } catch {
                Issue.record("unexpected error \(error)")
                return result
            }
        }
    }

    /// Expects both paths to agree on `bytes` with `options`, whole and in `chunk`-byte pieces.
    static func expectSame(_ bytes: [UInt8], _ options: CSVReaderOptions, chunks: [Int?] = [nil],
                           sourceLocation: SourceLocation = #_sourceLocation) {
        for chunk in chunks {
            let scalar = outcomes(bytes, options, structural: false, chunk: chunk)
            let structural = outcomes(bytes, options, structural: true, chunk: chunk)
            #expect(structural == scalar, "input \(bytes) options \(options) chunk \(String(describing: chunk))",
                    sourceLocation: sourceLocation)
            if options.keepRawRecord {
                // Raw bytes lent where they were read (or, across blocks, from the reader's copy).
                let lentRaw = outcomes(bytes, options, structural: true, chunk: chunk, lendingRaw: true)
                #expect(lentRaw == scalar, "lendingRaw: input \(bytes) options \(options) chunk \(String(describing: chunk))",
                        sourceLocation: sourceLocation)
            }
        }
    }

    /// Dialects and limits every input is read with; the block sizes put block ends everywhere.
    static let optionSets: [CSVReaderOptions] = {
        var sets: [CSVReaderOptions] = []
        for blockSize in [16, 17, 64, 100, 1 << 18] {
            sets.append(CSVReaderOptions(blockSize: blockSize))
            sets.append(CSVReaderOptions(delimiter: UInt8(ascii: ","), keepRawRecord: true, blockSize: blockSize))
            sets.append(CSVReaderOptions(delimiter: UInt8(ascii: ";"), blockSize: blockSize))
            sets.append(CSVReaderOptions(delimiter: 0x09, blockSize: blockSize))
            sets.append(CSVReaderOptions(maxFieldBytes: 16, maxFieldsPerRecord: 3, maxRecordBytes: 48, blockSize: blockSize))
        }
        sets.append(CSVReaderOptions(encoding: .windows1252, blockSize: 64))
        sets.append(CSVReaderOptions(encoding: .latin1, keepRawRecord: true))
        return sets
    }()

    @Test func splitPointInputs() {
        for bytes in CSVSplitPointTests.inputs {
            for options in Self.optionSets { Self.expectSame(bytes, options, chunks: [nil, 1, 7]) }
        }
    }

    @Test func pythonParityFile() {
        let bytes = Array(PythonParityFixture.csv.utf8)
        for options in Self.optionSets { Self.expectSame(bytes, options, chunks: [nil, 63]) }
        #expect(Self.outcomes(bytes, .init(), structural: true, chunk: nil, lending: true)
            == Self.outcomes(bytes, .init(), structural: false, chunk: nil, lending: true))
    }

    @Test func fuzzSeeds() {
        let directory = String(#filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3)
            .joined(separator: "/")) + "/Fuzz/corpus/csv/"
        for name in ["basic", "bom-semicolon", "errors", "latin1", "tab", "unterminated"] {
            let bytes = readFile(directory + name)
            #expect(!bytes.isEmpty)
            for options in Self.optionSets {
                Self.expectSame(bytes, options, chunks: [nil, 1, 5])
                Self.expectSame(Array(bytes.dropFirst(2)), options) // as the fuzz target sees it
            }
        }
    }

    /// Each snippet after 0…130 filler bytes: its quotes, CRLFs, multibyte characters and errors
    /// fall on every offset of a 64-byte window (and of 16 and 32) and around block ends.
    @Test func snippetsAcrossWindowEdges() {
        let snippets: [[UInt8]] = [
            Array("a,b\r\nc,d\n".utf8),
            Array("\"q\"\"x\",y\r\n".utf8),
            Array("\"multi\r\nline,with,commas\",z\n".utf8),
            Array(",,\n\n\r\n\r,".utf8),
            Array("é,日本😀,x\n".utf8),
            Array("ab".utf8) + [0xFF] + Array(",c\n".utf8),
            Array("\"ab".utf8) + [0xC3] + Array("\",c\n".utf8),
            Array("a\u{0}b,c\n".utf8),
            Array("a\u{B}b\tc\u{C},d\n".utf8),
            Array("x\"y\n".utf8),
            Array("\"x\"y\n".utf8),
            Array("\"never closed,\n".utf8),
            Array(String(repeating: "f,", count: 40).utf8) + Array("\n".utf8),
        ]
        let fillers: [(Int) -> [UInt8]] = [
            { Array(repeating: UInt8(ascii: "x"), count: $0) },
            { k in (0..<k).map { $0 % 9 == 8 ? UInt8(ascii: ",") : UInt8(ascii: "v") } },
            { k in Array(String(repeating: "ab,cd\r\n", count: k / 7 + 1).utf8.prefix(k)) },
        ]
        var options = [CSVReaderOptions(), CSVReaderOptions(blockSize: 64), CSVReaderOptions(blockSize: 17),
                       CSVReaderOptions(keepRawRecord: true, blockSize: 100),
                       CSVReaderOptions(maxFieldBytes: 16, maxFieldsPerRecord: 5, maxRecordBytes: 48)]
        options.append(CSVReaderOptions(delimiter: 0x09, blockSize: 64))
        for snippet in snippets {
            for filler in fillers {
                for k in 0...130 {
                    let bytes = filler(k) + snippet + snippet
                    for o in options { Self.expectSame(bytes, o) }
                }
            }
        }
    }

    /// Deterministic random inputs (SplitMix64) over an alphabet of the bytes that matter.
    @Test func randomInputs() {
        var rng = SeededRandom(seed: 17)
        let alphabet: [[UInt8]] = [
            [0x61], [0x62], [0x20], [0x2C], [0x2C], [0x3B], [0x09], [0x22], [0x22], [0x0D], [0x0A], [0x0D, 0x0A],
            [0x00], [0x0B], [0xC3, 0xA9], [0xE6, 0x97, 0xA5], [0xFF], [0xC3], Array("hello".utf8),
            Array(repeating: 0x7A, count: 20), Array(repeating: 0x79, count: 63),
        ]
        for round in 0..<3000 {
            var bytes: [UInt8] = []
            let parts = Int(rng.next() % 60)
            for _ in 0..<parts { bytes += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let options = Self.optionSets[Int(rng.next() % UInt64(Self.optionSets.count))]
            let chunk: Int? = round % 3 == 0 ? Int(rng.next() % 70) + 1 : nil
            Self.expectSame(bytes, options, chunks: [chunk])
        }
    }

    /// A large plain file: the fast path over many windows and blocks, against the scalar path.
    @Test func manyPlainRecordsAcrossBlocks() {
        var text = "name,email,phone,description\r\n"
        for i in 0..<3000 {
            let description = i % 7 == 0 ? "\"Senior \"\"lead\"\", team \(i),\nsecond line\"" : "Staff member \(i)"
            text += "Chloé Müller \(i),user\(i)@example.org,+1555\(i),\(description)\r\n"
        }
        let bytes = Array(text.utf8)
        for options in [CSVReaderOptions(), CSVReaderOptions(blockSize: 4096), CSVReaderOptions(blockSize: 100),
                        CSVReaderOptions(keepRawRecord: true, blockSize: 4096)] {
            Self.expectSame(bytes, options, chunks: [nil, 1000])
        }
        #expect(Self.outcomes(bytes, .init(), structural: true, chunk: nil, lending: true)
            == Self.outcomes(bytes, .init(), structural: false, chunk: nil, lending: true))
    }

    /// The masks themselves, for one window with every class of byte at known positions.
    @Test func windowMasks() {
        var window = [UInt8](repeating: UInt8(ascii: "a"), count: 64 + CSVStructuralScanner.padding)
        let marks: [(Int, UInt8)] = [(0, 0x2C), (15, 0x22), (16, 0x0A), (31, 0x0D), (32, 0x00), (47, 0x0B), (63, 0x2C)]
        for (k, b) in marks { window[k] = b }
        window[40] = 0xC3
        window[48] = 0x80
        window[62] = 0x3B // another delimiter than the scanner's: data
        var scanner = CSVStructuralScanner(delimiter: 0x2C)
        window.withUnsafeBufferPointer { scanner.load($0.baseAddress!, window: 0) }
        #expect(scanner.special == marks.reduce(UInt64(0)) { $0 | 1 << UInt64($1.0) })
        #expect(scanner.high == 1 << 40 | 1 << 48)
    }
}
