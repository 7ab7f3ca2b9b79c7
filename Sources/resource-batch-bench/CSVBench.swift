import CSVCodec
import Foundation

/// `csv FILE [--delimiter C] [--print] [--lending]`: reads every record with ``CSVReader/readRecord(into:)``
/// (with `--lending`: ``CSVReader/readRecord(lending:)``, the zero-copy path `validate`'s
/// `CSVRecordSource` reads through, which skips the copy into a ``CSVRecord``), prints `N records, M fields` to stdout and the throughput to stderr; `--print` also writes each
/// record as a JSON array of strings, one per line (to compare with other parsers).
enum CSVBench {
    static func run(_ args: [String]) async -> Int32 {
        var path: String?
        var delimiter: UInt8?
        var printRecords = false
        var lending = false
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--print":
                printRecords = true
            case "--lending":
                lending = true
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
            if lending && !printRecords {
                while let count = try reader.readRecord(lending: { lent, _ in lent.count }) {
                    records += 1
                    fields += count
                }
            }
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
        FileHandle.standardError.write(Data("csv: \(message)\nusage: resource-batch-bench csv FILE [--delimiter C] [--print] [--lending]\n".utf8))
        return 2
    }
}
