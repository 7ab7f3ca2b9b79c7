// libFuzzer target "csv": CSVReader over every dialect, encoding and block split, its structural
// (SIMD) scan against the scalar path, plus a CSVWriter → CSVReader round trip. Compiled together
// with Sources/CSVCodec/*.swift (see run.sh).
//
// Input layout: byte 0 picks the dialect, byte 1 the block split and limits, the rest is the CSV.
//   byte 0: bits 0-2 delimiter (0 ',', 1 ';', 2 TAB, 3 '|', 4-7 detect); bits 3-4 encoding
//           (0/3 utf-8, 1 latin1, 2 windows-1252); bit 5 keepRawRecord; bit 6 small field limit;
//           bit 7 small field-count limit
//   byte 1: bits 0-5 chunk size 1…64 delivered by the source; bits 6-7 reader block size

/// Delivers its bytes at most `chunk` at a time, so that every split point of the state machine
/// (inside a CRLF, a doubled quote, a UTF-8 sequence, a BOM) is exercised.
struct ChunkedBytes: CSVByteSource {
    let bytes: [UInt8]
    let chunk: Int
    var offset = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, chunk, bytes.count - offset)
        if n <= 0 { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}

/// What one read produced: a record or an error, comparable across block splits.
enum Step: Equatable {
    case record(number: Int, line: Int, offset: Int, fields: [[UInt8]], raw: [UInt8]?)
    case error(CSVError)
}

func readAll(_ reader: CSVReader, limit: Int = 20_000) -> [Step] {
    var steps: [Step] = []
    var record = CSVRecord()
    var lastNumber = 0
    while steps.count < limit {
        do {
            guard try reader.readRecord(into: &record) else { break }
            precondition(record.count >= 1, "a record without fields")
            precondition(record.number > lastNumber, "record numbers must increase")
            precondition(record.line >= 1 && record.byteOffset >= 0, "bad position")
            lastNumber = record.number
            var fields: [[UInt8]] = []
            for i in 0..<record.count {
                let bytes = record.withFieldBytes(i) { Array($0) }
                precondition(String(validating: bytes, as: UTF8.self) != nil, "field \(i) is not UTF-8")
                precondition(!bytes.contains(0), "field \(i) holds a NUL byte")
                fields.append(bytes)
            }
            steps.append(.record(number: record.number, line: record.line, offset: record.byteOffset,
                                 fields: fields, raw: record.rawBytes))
        } catch let error as CSVError {
            precondition(error.position.line >= 0)
            _ = error.description
            steps.append(.error(error))
            if !error.isRecoverable {
                // A fatal error must repeat, never turn into more records.
                do {
                    _ = try reader.readRecord(into: &record)
                    preconditionFailure("reading went on after a fatal error")
                } catch let again as CSVError {
                    precondition(again == error, "a fatal error changed on the next call")
                } catch { preconditionFailure("unexpected error type \(error)") }
                break
            }
        } catch {
            preconditionFailure("unexpected error type \(error)")
        }
    }
    return steps
}

/// ``readAll(_:limit:)`` through `readRecord(lendingRaw:)`.
func readAllLendingRaw(_ reader: CSVReader, keepRaw: Bool, limit: Int = 20_000) -> [Step] {
    var steps: [Step] = []
    while steps.count < limit {
        do {
            let step: Step? = try reader.readRecord(lendingRaw: { record in
                var raw: [UInt8] = []
                record.appendRaw(to: &raw)
                let fields = (0..<record.count).map { Array(record.field($0)) }
                return .record(number: record.number, line: record.line, offset: record.byteOffset,
                               fields: fields, raw: keepRaw ? raw : nil)
            })
            guard let step else { break }
            steps.append(step)
        } catch let error as CSVError {
            steps.append(.error(error))
            if !error.isRecoverable { break }
        } catch {
            preconditionFailure("unexpected error type \(error)")
        }
    }
    return steps
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let b0 = data[0], b1 = data[1]
    let body = Array(UnsafeBufferPointer(start: data + 2, count: size - 2))

    var options = CSVReaderOptions()
    let delimiters: [UInt8] = [0x2C, 0x3B, 0x09, 0x7C]
    options.delimiter = Int(b0 & 7) < delimiters.count ? delimiters[Int(b0 & 7)] : nil
    switch (b0 >> 3) & 3 {
    case 1: options.encoding = .latin1
    case 2: options.encoding = .windows1252
    default: options.encoding = .utf8
    }
    options.keepRawRecord = b0 & 0x20 != 0
    if b0 & 0x40 != 0 {
        options.maxFieldBytes = 16
        options.maxRecordBytes = 48
    }
    if b0 & 0x80 != 0 { options.maxFieldsPerRecord = 3 }
    let chunk = Int(b1 & 0x3F) + 1
    options.blockSize = [16, 17, 64, 4096][Int(b1 >> 6)]

    // 1. Small blocks from a chunked source against the whole input at once: same records, same errors.
    let chunked = readAll(CSVReader(source: ChunkedBytes(bytes: body, chunk: chunk), options: options))
    var whole = options
    whole.blockSize = 1 << 16
    let reference = readAll(CSVReader(bytes: body, options: whole))
    if chunked != reference {
        preconditionFailure("block split changed the result:\nchunked \(chunked)\nwhole \(reference)")
    }

    // 1b. The scalar path (no structural scan, issue 17) must agree with the structural one,
    //     chunked and whole.
    let scalarChunkedReader = CSVReader(source: ChunkedBytes(bytes: body, chunk: chunk), options: options)
    scalarChunkedReader.structuralScan = false
    let scalarChunked = readAll(scalarChunkedReader)
    if scalarChunked != chunked {
        preconditionFailure("structural and scalar paths differ:\nstructural \(chunked)\nscalar \(scalarChunked)")
    }
    let scalarWholeReader = CSVReader(bytes: body, options: whole)
    scalarWholeReader.structuralScan = false
    if readAll(scalarWholeReader) != reference {
        preconditionFailure("structural and scalar paths differ on the whole input")
    }

    // 1c. Lending with the raw bytes in place (readRecord(lendingRaw:), issue 17) must see the
    //     same records, positions, raw bytes and errors, chunked.
    let lentReader = CSVReader(source: ChunkedBytes(bytes: body, chunk: chunk), options: options)
    if readAllLendingRaw(lentReader, keepRaw: options.keepRawRecord) != chunked {
        preconditionFailure("lendingRaw differs from the copying path")
    }

    // 2. Round trip: what the writer makes of the records read, the reader gives back unchanged.
    let records: [[String]] = chunked.compactMap {
        if case let .record(_, _, _, fields, _) = $0 { return fields.map { String(decoding: $0, as: UTF8.self) } }
        return nil
    }
    guard !records.isEmpty else { return 0 }
    let delimiter = options.delimiter ?? 0x2C
    var writer = CSVWriter(options: CSVWriterOptions(delimiter: delimiter, lineEnding: b1 & 1 == 0 ? .crlf : .lf))
    for fields in records { try! writer.write(record: fields) }
    var back = CSVReaderOptions(delimiter: delimiter, maxFieldBytes: 1 << 24, maxFieldsPerRecord: 1 << 20,
                                maxRecordBytes: 1 << 26)
    back.blockSize = 16
    let reread = readAll(CSVReader(source: ChunkedBytes(bytes: writer.bytes, chunk: chunk), options: back))
    let again: [[String]] = reread.map {
        switch $0 {
        case let .record(_, _, _, fields, _): return fields.map { String(decoding: $0, as: UTF8.self) }
        case let .error(error): preconditionFailure("writer output does not read back: \(error)")
        }
    }
    precondition(again == records, "round trip changed the records:\n\(records)\n\(again)")
    return 0
}
