import Foundation

/// `sync [--rows N] [--rate R] [--latency MS] [--changed P]`: the nightly sync against its bound.
///
/// Imports N rows (default 10,000) into a `resource-batch emulator` child limited to R requests/s
/// (default 5), then runs the same file again (the unchanged night) and a file with P % of its
/// rows renamed (default 1 %), each as `resource-batch import --rate R`. For each night it prints
/// the requests by kind (from the emulator's `/emulator/stats`) and the wall time beside the
/// bound: the token, the time zone list, the list pages (live and `deleted=true`) and one bulk call per 100 changed
/// rows, at R requests/s. Goal: at the bound, within 2 % of its requests and time.
enum SyncBench {
    struct Night {
        var name: String
        var changed: Int
        var child: ChildResult
        var stats: [String: Int]
        var counts: [String: Int]
    }

    static func run(_ args: [String]) async -> Int32 {
        guard let o = ImportBench.options(args, ["--rows": "10000", "--rate": "5", "--latency": "0", "--changed": "1"],
                                          usage: "sync [--rows N] [--rate R] [--latency MS] [--changed P]") else { return 2 }
        do {
            BenchTable.print(try rows(rows: Int(o["--rows"]!)!, rate: Double(o["--rate"]!)!, latencyMS: Double(o["--latency"]!)!,
                                      changedPercent: Double(o["--changed"]!)!))
            return 0
        } catch {
            printError("sync benchmark: \(error)")
            return 1
        }
    }

    static func rows(rows: Int, rate: Double, latencyMS: Double, changedPercent: Double) throws -> [BenchRow] {
        let dir = BenchProcess.temporaryDirectory + "/resource-batch-bench-sync-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/staff.csv"
        try ImportBench.generate(rows: rows, to: input)
        let binary = BenchProcess.productBinary
        let emulator = try EmulatorChild(
            binary: binary, arguments: ["--rate-limit", "\(rate)"] + (latencyMS > 0 ? ["--faults", "latency=\(Int(latencyMS))ms"] : []))
        defer { emulator.stop() }
        guard let port = URL(string: emulator.url)?.port.map(UInt16.init) else { throw BenchError("no port in \(emulator.url)") }

        func night(_ name: String, file: String, changed: Int) throws -> Night {
            let before = try stats(port)
            let argv = [
                binary, "import", file, "--api-url", emulator.url, "--rate", "\(rate)", "--chunk-size", "100",
                "--hosting-check", "off", "--google-return-url", "https://example.com/back",
                "--outlook-return-url", "https://example.com/back",
                "--report", dir + "/\(name).report.csv", "--summary-json", dir + "/\(name).json", "--quiet",
            ]
            let child = try BenchProcess.run(argv, environment: ["ONSCHED_CLIENT_ID": "sbox-bench", "ONSCHED_CLIENT_SECRET": "x"],
                                             stderr: dir + "/\(name).stderr.txt")
            if child.status != 0 {
                let err = (try? String(contentsOfFile: dir + "/\(name).stderr.txt", encoding: .utf8)) ?? ""
                throw BenchError("the \(name) import exited with \(child.status): \(err)")
            }
            let after = try stats(port)
            var delta: [String: Int] = [:]
            for (k, v) in after { delta[k] = v - (before[k] ?? 0) }
            let summary = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/\(name).json")))) as? [String: Any]
            return Night(name: name, changed: changed, child: child, stats: delta, counts: summary?["counts"] as? [String: Int] ?? [:])
        }

        let setup = try night("setup", file: input, changed: rows)
        printError("sync: setup, \(rows) rows created in \(fmt(setup.child.wall)) s, \(setup.stats["requests"] ?? -1) requests")
        let unchanged = try night("unchanged", file: input, changed: 0)
        let changedFile = dir + "/staff-changed.csv"
        let changed = try writeChanged(from: input, to: changedFile, percent: changedPercent)
        let oneNight = try night("changed", file: changedFile, changed: changed)

        let pages = (rows + 99) / 100
        var out: [BenchRow] = []
        for n in [unchanged, oneNight] {
            let writes = (n.stats["bulkUpdateCalls"] ?? 0) + (n.stats["bulkCreateCalls"] ?? 0) + (n.stats["deletes"] ?? 0) + (n.stats["recovers"] ?? 0)
            let total = n.stats["requests"] ?? -1
            let reads = total - writes
            // Token + the time zone list (read once, cli.md) + live list pages + one deleted=true
            // page + one bulk call per 100 changed rows.
            let boundRequests = 1 + 1 + pages + 1 + (n.changed + 99) / 100
            let boundSeconds = Double(boundRequests) / rate
            let requestRatio = Double(total) / Double(boundRequests)
            let timeRatio = n.child.wall / boundSeconds
            let countsText = n.counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            printError("sync: \(n.name) night: \(total) requests (\(reads) token + list, \(n.stats["bulkUpdateCalls"] ?? 0) bulk updates, "
                       + "\(n.stats["bulkCreateCalls"] ?? 0) bulk creates, \(n.stats["updates"] ?? 0) resources updated) in "
                       + "\(fmt(n.child.wall)) s; bound \(boundRequests) requests, \(fmt(boundSeconds)) s; \(countsText)")
            out.append(BenchRow(
                suite: "sync",
                measure: "\(n.name) night, \(rows) rows, \(n.changed) changed, R=\(fmt(rate, 0)) req/s",
                result: "\(total) requests (\(reads) token + list, \(writes) writes: \(n.stats["updates"] ?? 0) resources); \(fmt(n.child.wall)) s",
                reference: "bound \(boundRequests) requests, \(fmt(boundSeconds)) s",
                verdict: requestRatio <= 1.02 && timeRatio <= 1.02
                    ? "met (\(fmt(requestRatio, 3))× requests, \(fmt(timeRatio, 3))× time)"
                    : "NOT met (\(fmt(requestRatio, 3))× requests, \(fmt(timeRatio, 3))× time)"))
        }
        return out
    }

    /// `GET /emulator/stats` as numbers.
    static func stats(_ port: UInt16) throws -> [String: Int] {
        guard let socket = EmulatorBenchSocket(port: port),
              let (status, body) = socket.exchange(Array("GET /emulator/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)), status == 200,
              let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else { throw BenchError("cannot read /emulator/stats") }
        return object.compactMapValues { ($0 as? NSNumber)?.intValue }
    }

    /// The input with every (100/percent)-th row renamed; returns how many rows changed.
    static func writeChanged(from input: String, to output: String, percent: Double) throws -> Int {
        let lines = try String(contentsOfFile: input, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let every = percent > 0 ? max(1, Int((100 / percent).rounded())) : Int.max
        var changed = 0
        var out: [Substring] = []
        out.reserveCapacity(lines.count)
        for (i, line) in lines.enumerated() {
            if i > 0, !line.isEmpty, (i - 1) % every == 0 {
                out.append("Renamed " + line)
                changed += 1
            } else {
                out.append(line)
            }
        }
        try out.joined(separator: "\n").write(toFile: output, atomically: true, encoding: .utf8)
        return changed
    }
}
