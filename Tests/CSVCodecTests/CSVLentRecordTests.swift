import Testing
import CSVCodec

/// `readRecord(lending:)` must see exactly what `readRecord(into:)` returns, record by record.
@Suite struct CSVLentRecordTests {
    private static let text = "\u{FEFF}name;mail\r\n\"a;\"\"b\"\"\";x@y\r\n\r\nplain;\"multi\nline\"\nlast;é;extra\n;\n\"unterminated"

    private static func viaCopies(_ keepRaw: Bool) -> [String] {
        let reader = CSVReader(bytes: Array(text.utf8), options: CSVReaderOptions(keepRawRecord: keepRaw))
        var out: [String] = []
        var record = CSVRecord()
        while true {
            do {
                guard try reader.readRecord(into: &record) else { break }
                out.append("\(record.number) \(record.line) \(record.byteOffset) \(record.fields) \(record.rawBytes.map { String(decoding: $0, as: UTF8.self) } ?? "-")")
            } catch let error as CSVError {
                out.append("error \(error.kind) \(error.position)")
                if !error.isRecoverable { break }
            } catch { break }
        }
        return out
    }

    private static func viaLending(_ keepRaw: Bool) -> [String] {
        let reader = CSVReader(bytes: Array(text.utf8), options: CSVReaderOptions(keepRawRecord: keepRaw))
        var out: [String] = []
        var spare: [UInt8] = [1, 2, 3] // handed back in place of each record's raw bytes
        while true {
            do {
                let line: String? = try reader.readRecord(lending: { record, raw in
                    let fields = (0..<record.count).map { String(decoding: record.field($0), as: UTF8.self) }
                    var mine = spare
                    swap(&mine, &raw)
                    let rawText = keepRaw ? String(decoding: mine, as: UTF8.self) : "-"
                    spare = mine
                    return "\(record.number) \(record.line) \(record.byteOffset) \(fields) \(rawText)"
                })
                guard let line else { break }
                out.append(line)
            } catch let error as CSVError {
                out.append("error \(error.kind) \(error.position)")
                if !error.isRecoverable { break }
            } catch { break }
        }
        return out
    }

    @Test(arguments: [false, true])
    func lendsWhatItWouldCopy(_ keepRaw: Bool) {
        let copied = Self.viaCopies(keepRaw)
        #expect(copied.count == 6)
        #expect(Self.viaLending(keepRaw) == copied)
    }
}
