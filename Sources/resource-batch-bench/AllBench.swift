import Foundation

/// `all [FILE]`: csv, validate, import, import-memory and emulator in turn with their defaults,
/// then one markdown table. FILE defaults to `$TMPDIR/resource-batch-anchors/resources-1m.csv`,
/// generated with `/work/shared/bench/gen_resources.py 1000000 FILE --messy` when missing; the
/// CSV anchors come from `/work/shared/bench/csv-anchors.sh` when it is there.
enum AllBench {
    static let benchDir = ProcessInfo.processInfo.environment["RESOURCE_BATCH_BENCH_SCRIPTS"] ?? "/work/shared/bench"

    static func run(_ args: [String]) async -> Int32 {
        let file = args.first ?? (BenchProcess.temporaryDirectory + "/resource-batch-anchors/resources-1m.csv")
        var rows: [BenchRow] = []
        do {
            if !FileManager.default.fileExists(atPath: file) {
                printError("generating \(file)")
                try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let g = try BenchProcess.run(["/usr/bin/python3", benchDir + "/gen_resources.py", "1000000", file, "--messy"])
                guard g.status == 0 else { throw BenchError("gen_resources.py failed") }
            }
            rows += try csvRows(file: file)
            rows += try ValidateBench.rows(file: file, runs: 3)
            rows += try ImportBench.throughputRows(rate: 5, rows: 20000, latencyMS: 40, concurrency: 4)
            rows += try ImportBench.memoryRows(rows: 1_000_000, concurrency: 8)
            rows += try emulatorRows()
        } catch {
            printError("all: \(error)")
            BenchTable.print(rows)
            return 1
        }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        print("Run \(ISO8601DateFormatter().string(from: Date())), \(ProcessInfo.processInfo.activeProcessorCount) cores, load average at the end \(load)\n")
        BenchTable.print(rows)
        return 0
    }

    /// CSVCodec's throughput (this binary's `csv` suite as a child, best of 3) beside the anchors.
    static func csvRows(file: String) throws -> [BenchRow] {
        let bytes = Double((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        var anchors = "anchors not run"
        var rustMBps: Double?
        var pythonMBps: Double?
        let script = benchDir + "/csv-anchors.sh"
        if FileManager.default.fileExists(atPath: script) {
            let dir = BenchProcess.temporaryDirectory
            let out = dir + "/resource-batch-bench-anchors-\(getpid()).txt"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let r = try BenchProcess.run(["/bin/bash", script, file], stdout: out)
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            func mbps(_ prefix: String) -> Double? {
                guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }),
                      let mb = line.split(separator: " ").reversed().first(where: { Double($0) != nil }) else { return nil }
                return Double(mb)
            }
            rustMBps = mbps("rust")
            pythonMBps = mbps("python")
            anchors = r.status == 0 ? "" : "csv-anchors.sh exited with \(r.status)"
        }
        let self_ = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var runs: [ChildResult] = []
        for _ in 0..<3 { runs.append(try BenchProcess.run([self_, "csv", file])) }
        let best = BenchProcess.best(runs)
        let ours = bytes / best.wall / 1e6
        printError("csv: \(fmt(bytes / 1e6, 1)) MB in \(fmt(best.wall, 3)) s = \(fmt(ours, 0)) MB/s (CPU \(fmt(best.cpu)) s)"
                   + "; rust \(rustMBps.map { fmt($0, 0) } ?? "?") MB/s; python \(pythonMBps.map { fmt($0, 0) } ?? "?") MB/s \(anchors)")
        return [
            BenchRow(suite: "csv", measure: "CSVCodec read of the 1M-row messy file (\(fmt(bytes / 1e6, 1)) MB), best of 3",
                     result: "\(fmt(ours, 0)) MB/s (\(fmt(best.wall, 3)) s, CPU \(fmt(best.cpu)) s)",
                     reference: "Rust csv \(rustMBps.map { fmt($0, 0) } ?? "?") MB/s; Python csv \(pythonMBps.map { fmt($0, 0) } ?? "?") MB/s",
                     verdict: anchors),
        ]
    }

    /// The emulator suite, run as a child of this binary so its own output stays as it is.
    static func emulatorRows() throws -> [BenchRow] {
        let self_ = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let out = BenchProcess.temporaryDirectory + "/resource-batch-bench-emulator-\(getpid()).txt"
        defer { try? FileManager.default.removeItem(atPath: out) }
        _ = try BenchProcess.run([self_, "emulator"], stdout: out)
        let text = ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        printError(text)
        let rps = text.components(separatedBy: " = ").last?.split(separator: " ").first.map(String.init) ?? "?"
        return [BenchRow(suite: "emulator", measure: "requests/s served, 16 keep-alive connections, 5 s, in process",
                         result: "\(rps) req/s", reference: text.replacingOccurrences(of: "|", with: "/"), verdict: (Double(rps) ?? 0) >= 2000 ? "met (≥ 2,000)" : "")]
    }
}
