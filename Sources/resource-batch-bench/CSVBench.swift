import CSVCodec
import Foundation

/// `csv FILE [--delimiter C] [--print]`: reads every record with ``CSVReader/readRecord(into:)``,
/// prints `N records, M fields` to stdout and the throughput to stderr; `--print` also writes each
/// record as a JSON array of strings, one per line (to compare with other parsers).
enum CSVBench {
    static func run(_ args: [String]) async -> Int32 {
        var path: String?
        var delimiter: UInt8?
        var printRecords = false
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--print":
                printRecords = true
            case "--delimiter":
                i += 1
                guard i < args.count, let d = parseDelimiter(args[i]) else {
                    return usage("--delimiter needs one single-byte character (or 'tab')")
                }
                delimiter = d
            default:
                if path != nil || args[i].hasPrefix("--") { return usage("unexpected argument \(args[i])") }
                path = args[i]
            }
            i += 1
        }
        guard let path else { return usage("missing FILE") }

        let start = ContinuousClock.now
        var records = 0
        var fields = 0
        var bytes = 0
        var out = JSONLinesOutput()
        do {
            let reader = try CSVReader(path: path, options: CSVReaderOptions(delimiter: delimiter))
            var record = CSVRecord()
            while try reader.readRecord(into: &record) {
                records += 1
                fields += record.count
                if printRecords { out.append(record) }
            }
            out.flush()
            bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        } catch {
            out.flush()
            FileHandle.standardError.write(Data("csv: \(path): \(error)\n".utf8))
            return 1
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("\(records) records, \(fields) fields")
        let mbps = seconds > 0 ? Double(bytes) / seconds / 1e6 : 0
        FileHandle.standardError.write(Data(String(format: "%.1f MB in %.3f s: %.0f MB/s\n", Double(bytes) / 1e6, seconds, mbps).utf8))
        return 0
    }

    private static func parseDelimiter(_ s: String) -> UInt8? {
        switch s.lowercased() {
        case "tab", "\\t", "\t": return 0x09
        default:
            let u = Array(s.utf8)
            return u.count == 1 ? u[0] : nil
        }
    }

    private static func usage(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("csv: \(message)\nusage: resource-batch-bench csv FILE [--delimiter C] [--print]\n".utf8))
        return 2
    }
}

/// Buffered JSON-lines output to stdout: each record as a JSON array of strings.
private struct JSONLinesOutput {
    private var buffer: [UInt8] = []
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    mutating func append(_ record: CSVRecord) {
        buffer.append(UInt8(ascii: "["))
        for i in 0..<record.count {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(UInt8(ascii: "\""))
            record.withFieldBytes(i) { field in
                for b in field {
                    switch b {
                    case 0x22: buffer.append(0x5C); buffer.append(0x22)
                    case 0x5C: buffer.append(0x5C); buffer.append(0x5C)
                    case 0x0A: buffer.append(0x5C); buffer.append(UInt8(ascii: "n"))
                    case 0x0D: buffer.append(0x5C); buffer.append(UInt8(ascii: "r"))
                    case 0x09: buffer.append(0x5C); buffer.append(UInt8(ascii: "t"))
                    case 0x08: buffer.append(0x5C); buffer.append(UInt8(ascii: "b"))
                    case 0x0C: buffer.append(0x5C); buffer.append(UInt8(ascii: "f"))
                    case 0..<0x20:
                        buffer.append(contentsOf: Array("\\u00".utf8))
                        buffer.append(Self.hex[Int(b >> 4)])
                        buffer.append(Self.hex[Int(b & 0xF)])
                    default: buffer.append(b)
                    }
                }
            }
            buffer.append(UInt8(ascii: "\""))
        }
        buffer.append(UInt8(ascii: "]"))
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        buffer.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(1, bytes.baseAddress! + done, bytes.count - done)
                if n <= 0 { if errno == EINTR { continue }; return }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
