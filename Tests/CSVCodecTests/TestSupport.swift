import Testing
import CSVCodec

/// Feeds bytes to a reader in blocks of a fixed size, to put block boundaries everywhere.
struct ChunkedSource: CSVByteSource {
    let bytes: [UInt8]
    let chunk: Int
    var offset = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(chunk, buffer.count, bytes.count - offset)
        if n <= 0 { return 0 }
        for k in 0..<n { buffer[k] = bytes[offset + k] }
        offset += n
        return n
    }
}

/// What reading one record produced; comparable between differently split inputs.
enum Outcome: Equatable, CustomStringConvertible {
    case record(fields: [String], number: Int, line: Int, byteOffset: Int, raw: [UInt8]?)
    case failure(CSVError)

    var description: String {
        switch self {
        case let .record(fields, number, line, offset, _): return "#\(number) line \(line) @\(offset) \(fields)"
        case let .failure(error): return "error \(error.kind) at \(error.position)"
        }
    }
}

/// Reads everything, continuing after recoverable errors and stopping at the first other one.
func readAll(_ reader: CSVReader) -> [Outcome] {
    var result: [Outcome] = []
    while true {
        do {
            guard let r = try reader.next() else { return result }
            result.append(.record(fields: r.fields, number: r.number, line: r.line, byteOffset: r.byteOffset, raw: r.rawBytes))
        } catch let error as CSVError {
            result.append(.failure(error))
            if !error.isRecoverable { return result }
        } catch {
            Issue.record("unexpected error \(error)")
            return result
        }
    }
}

/// All fields of all records of `text`, with the given options.
func parse(_ text: String, _ options: CSVReaderOptions = .init()) throws -> [[String]] {
    try parse(Array(text.utf8), options)
}

func parse(_ bytes: [UInt8], _ options: CSVReaderOptions = .init()) throws -> [[String]] {
    let reader = CSVReader(bytes: bytes, options: options)
    var rows: [[String]] = []
    while let r = try reader.next() { rows.append(r.fields) }
    return rows
}

/// The error reading `bytes` throws first (nil if none).
func firstError(_ bytes: [UInt8], _ options: CSVReaderOptions = .init()) -> CSVError? {
    let reader = CSVReader(bytes: bytes, options: options)
    do {
        while try reader.next() != nil {}
        return nil
    } catch {
        return error as? CSVError
    }
}

func firstError(_ text: String, _ options: CSVReaderOptions = .init()) -> CSVError? {
    firstError(Array(text.utf8), options)
}

/// A small deterministic generator (SplitMix64), so random tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
