import CSVCodec
import Foundation

/// `csv FILE [--delimiter C] [--print] [--lending] [--runs N]`: reads every record with
/// ``CSVReader/readRecord(into:)`` (with `--lending`: ``CSVReader/readRecord(lending:)``, the
/// zero-copy path `validate`'s `CSVRecordSource` reads through, which skips the copy into a
/// ``CSVRecord``), prints `N records, M fields` to stdout and the throughput with its CPU time to
/// stderr; `--print` also writes each record as a JSON array of strings, one per line (to compare
/// with other parsers).
///
/// With `--runs N` it compares in one run (issue 17: CSVCodec ≥ 2.5× the Rust anchor): N rounds,
/// each the Rust csv crate's `rust-csv-count` on the file (a child process, `wait4`'s CPU), then
/// both of CSVCodec's ways to read it in this process; prints the best of each beside the anchor.
enum CSVBench {
    /// One read of the file: what was read, and its wall and CPU time (this process's).
    struct Read {
        var records = 0
        var fields = 0
        var wall = 0.0
        var cpu = 0.0
    }

    static func run(_ args: [String]) async -> Int32 {
        var path: String?
        var delimiter: UInt8?
        var printRecords = false
        var lending = false
        var runs: Int?
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
            case "--runs":
                i += 1
                guard i < args.count, let n = Int(args[i]), n > 0 else { return usage("--runs needs a positive number") }
                runs = n
            default:
                if path != nil || args[i].hasPrefix("--") { return usage("unexpected argument \(args[i])") }
                path = args[i]
            }
            i += 1
        }
        guard let path else { return usage("missing FILE") }
        let bytes = Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        if let runs {
            do {
                try compare(path, delimiter: delimiter, bytes: bytes, runs: runs)
                return 0
            } catch {
                FileHandle.standardError.write(Data("csv: \(path): \(error)\n".utf8))
                return 1
            }
        }
        var out = JSONLinesOutput()
        let result: Read
        do {
            result = try read(path, delimiter: delimiter, lending: lending && !printRecords) { record in
                if printRecords { out.append(record) }
            }
            out.flush()
        } catch {
            out.flush()
            FileHandle.standardError.write(Data("csv: \(path): \(error)\n".utf8))
            return 1
        }
        print("\(result.records) records, \(result.fields) fields")
        let mbps = result.wall > 0 ? bytes / result.wall / 1e6 : 0
        FileHandle.standardError.write(Data(String(format: "%.1f MB in %.3f s: %.0f MB/s (CPU %.3f s)\n",
                                                   bytes / 1e6, result.wall, mbps, result.cpu).utf8))
        return 0
    }

    /// Reads every record of `path`, handing each copied record to `body` (not when lending).
    static func read(_ path: String, delimiter: UInt8?, lending: Bool, _ body: (CSVRecord) -> Void = { _ in }) throws -> Read {
        let cpuStart = processCPU()
        let start = ContinuousClock.now
        var result = Read()
        let reader = try CSVReader(path: path, options: CSVReaderOptions(delimiter: delimiter))
        if lending {
            while let count = try reader.readRecord(lending: { lent, _ in lent.count }) {
                result.records += 1
                result.fields += count
            }
        } else {
            var record = CSVRecord()
            while try reader.readRecord(into: &record) {
                result.records += 1
                result.fields += record.count
                body(record)
            }
        }
        let elapsed = ContinuousClock.now - start
        result.wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        result.cpu = processCPU() - cpuStart
        return result
    }

    /// The same-run comparison of `--runs N`.
    static func compare(_ path: String, delimiter: UInt8?, bytes: Double, runs: Int) throws {
        let anchor = ValidateBench.rustAnchor
        let haveAnchor = FileManager.default.isExecutableFile(atPath: anchor) && delimiter == nil
        var rust: [ChildResult] = []
        var copying: [Read] = []
        var lent: [Read] = []
        for _ in 0..<runs {
            if haveAnchor { rust.append(try BenchProcess.run([anchor, path])) }
            copying.append(try read(path, delimiter: delimiter, lending: false))
            lent.append(try read(path, delimiter: delimiter, lending: true))
        }
        let c = copying.min { $0.wall < $1.wall }!, l = lent.min { $0.wall < $1.wall }!
        let mb = bytes / 1e6
        var rows: [BenchRow] = []
        let a = haveAnchor ? BenchProcess.best(rust) : nil
        if let a {
            rows.append(BenchRow(suite: "csv", measure: "Rust csv 1.1 anchor (StringRecord), whole process, best of \(runs)",
                                 result: "\(fmt(mb / a.wall, 0)) MB/s: \(fmt(a.wall, 3)) s wall, \(fmt(a.cpu, 3)) s CPU",
                                 reference: "\(fmt(mb, 1)) MB", verdict: "–"))
        }
        for (name, r) in [("CSVCodec copying (readRecord(into:))", c), ("CSVCodec lending (readRecord(lending:))", l)] {
            let ratio = a.map { $0.wall / r.wall }
            rows.append(BenchRow(suite: "csv", measure: "\(name), best of \(runs), \(r.records) records, \(r.fields) fields",
                                 result: "\(fmt(mb / r.wall, 0)) MB/s: \(fmt(r.wall, 3)) s wall, \(fmt(r.cpu, 3)) s CPU",
                                 reference: a.map { "\(fmt(ratio!, 2))× Rust's throughput (CPU \(fmt($0.cpu / r.cpu, 2))×); ≥ 2.5× (issue 17)" }
                                    ?? "the Rust anchor is not built (run /work/shared/bench/csv-anchors.sh)",
                                 verdict: ratio.map { $0 >= 2.5 ? "met" : "NOT met" } ?? "?"))
        }
        BenchTable.print(rows)
    }

    /// User plus system CPU time of this process so far, in seconds.
    static func processCPU() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
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
        FileHandle.standardError.write(Data("csv: \(message)\nusage: resource-batch-bench csv FILE [--delimiter C] [--print] [--lending] [--runs N]\n".utf8))
        return 2
    }
}
