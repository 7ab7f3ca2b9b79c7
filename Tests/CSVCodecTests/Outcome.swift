import Testing
import CSVCodec

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
