import Foundation

/// `import` and `import-memory`: the real `resource-batch import` binary, as a child process,
/// against a `resource-batch emulator` child process, so that only the client is measured.
///
/// - `import [--rate R] [--rows N] [--latency MS] [--concurrency C]`: the emulator limited to R
///   requests/s with MS of latency; the client at `--rate R --chunk-size 100`. The bound is
///   R × 100 rows/s; prints the rows/s achieved (rows / the child's wall time), its share of the
///   bound, 429s seen, and the client's CPU time and peak RSS. Defaults: R=5, 20,000 rows, 40 ms.
/// - `import-memory [--rows N]`: 1,000,000 rows, no rate limit, no latency, the emulator keeping
///   its data in memory, the client at `--rate 10000 --concurrency 8`; prints the client's peak
///   RSS (target < 128 MiB) and rows/s.
enum ImportBench {
    struct Outcome {
        var rows: Int
        var rate: Double
        var child: ChildResult
        var summary: [String: Any]
        var rowsPerSecond: Double { Double(rows) / child.wall }
        var bound: Double { rate * 100 }
        var requests: Int { summary["requests"] as? Int ?? -1 }
        var throttled: Int { summary["throttled"] as? Int ?? -1 }
        var retries: Int { summary["retries"] as? Int ?? -1 }
        var created: Int { (summary["counts"] as? [String: Int])?["created"] ?? 0 }
    }

    static func run(_ args: [String]) async -> Int32 {
        guard let o = options(args, ["--rate": "5", "--rows": "20000", "--latency": "40", "--concurrency": "4"],
                              usage: "import [--rate R] [--rows N] [--latency MS] [--concurrency C]") else { return 2 }
        do {
            let rows = try throughputRows(rate: Double(o["--rate"]!)!, rows: Int(o["--rows"]!)!,
                                          latencyMS: Double(o["--latency"]!)!, concurrency: Int(o["--concurrency"]!)!)
            BenchTable.print(rows)
            return 0
        } catch {
            printError("import benchmark: \(error)")
            return 1
        }
    }

    static func runMemory(_ args: [String]) async -> Int32 {
        guard let o = options(args, ["--rows": "1000000", "--concurrency": "8"], usage: "import-memory [--rows N] [--concurrency C]") else { return 2 }
        do {
            BenchTable.print(try memoryRows(rows: Int(o["--rows"]!)!, concurrency: Int(o["--concurrency"]!)!))
            return 0
        } catch {
            printError("import-memory benchmark: \(error)")
            return 1
        }
    }

    static func throughputRows(rate: Double, rows: Int, latencyMS: Double, concurrency: Int) throws -> [BenchRow] {
        let r = try measure(rows: rows, emulatorArgs: ["--rate-limit", "\(rate)"] + (latencyMS > 0 ? ["--faults", "latency=\(Int(latencyMS))ms"] : []),
                            clientRate: rate, concurrency: concurrency)
        let share = r.rowsPerSecond / r.bound * 100
        let cpuShare = r.child.cpu / r.child.wall * 100
        printError("import: \(rows) rows at --rate \(rate) (emulator --rate-limit \(rate), latency \(Int(latencyMS)) ms): "
                   + "\(fmt(r.child.wall)) s, \(fmt(r.rowsPerSecond, 1)) rows/s = \(fmt(share, 1)) % of \(fmt(r.bound, 0)); "
                   + "\(r.requests) requests, \(r.throttled) 429s, \(r.retries) retries, \(r.created) created; "
                   + "client CPU \(fmt(r.child.cpu)) s, peak RSS \(r.child.maxRSSKB / 1024) MiB")
        return [
            BenchRow(suite: "import", measure: "rows/s, \(rows) rows, R=\(fmt(rate, 0)) req/s, \(Int(latencyMS)) ms latency, concurrency \(concurrency)",
                     result: "\(fmt(r.rowsPerSecond, 1)) (\(fmt(share, 1)) % of bound; \(r.throttled) × 429)",
                     reference: "bound R × 100 = \(fmt(r.bound, 0))", verdict: share >= 95 ? "met (≥ 95 %)" : "NOT met (< 95 %)"),
            BenchRow(suite: "import", measure: "client CPU (user+sys) / peak RSS", result: "\(fmt(r.child.cpu)) s / \(r.child.maxRSSKB / 1024) MiB",
                     reference: "wall \(fmt(r.child.wall)) s; CPU = \(fmt(cpuShare, 1)) % of one core",
                     verdict: cpuShare <= 10 ? "small (≤ 10 % of one core)" : "NOT small (> 10 % of one core)"),
        ]
    }

    static func memoryRows(rows: Int, concurrency: Int) throws -> [BenchRow] {
        let r = try measure(rows: rows, emulatorArgs: [], clientRate: 10000, concurrency: concurrency)
        let mib = Double(r.child.maxRSSKB) / 1024
        printError("import-memory: \(rows) rows, no limit: \(fmt(r.child.wall)) s, \(fmt(r.rowsPerSecond, 0)) rows/s, "
                   + "\(r.requests) requests, \(r.created) created; client CPU \(fmt(r.child.cpu)) s, peak RSS \(fmt(mib, 1)) MiB")
        return [
            BenchRow(suite: "import-memory", measure: "client peak RSS, \(rows) rows, --rate 10000 --concurrency \(concurrency)",
                     result: "\(fmt(mib, 1)) MiB", reference: "< 128 MiB", verdict: mib < 128 ? "met" : "NOT met"),
            BenchRow(suite: "import-memory", measure: "rows/s; client CPU (user+sys)",
                     result: "\(fmt(r.rowsPerSecond, 0)) rows/s; \(fmt(r.child.cpu)) s", reference: "wall \(fmt(r.child.wall)) s",
                     verdict: r.created == rows ? "all \(rows) created" : "\(r.created) created"),
        ]
    }

    /// Generates `rows` new resources, starts the emulator, runs the import and reads its summary.
    static func measure(rows: Int, emulatorArgs: [String], clientRate: Double, concurrency: Int) throws -> Outcome {
        let dir = BenchProcess.temporaryDirectory + "/resource-batch-bench-import-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/resources-\(rows).csv"
        try generate(rows: rows, to: input)
        let binary = BenchProcess.productBinary
        let emulator = try EmulatorChild(binary: binary, arguments: emulatorArgs)
        defer { emulator.stop() }
        let argv = [
            binary, "import", input, "--api-url", emulator.url, "--rate", "\(clientRate)", "--chunk-size", "100",
            "--concurrency", "\(concurrency)", "--hosting-check", "off", "--match-by", "email",
            "--google-return-url", "https://example.com/back", "--outlook-return-url", "https://example.com/back",
            "--report", dir + "/report.csv", "--summary-json", dir + "/summary.json", "--quiet",
        ]
        let child = try BenchProcess.run(argv, environment: ["ONSCHED_CLIENT_ID": "sbox-bench", "ONSCHED_CLIENT_SECRET": "x"],
                                         stderr: dir + "/stderr.txt")
        let summaryData = (try? Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json"))) ?? Data()
        let summary = (try? JSONSerialization.jsonObject(with: summaryData) as? [String: Any]) ?? [:]
        if child.status > 1 {
            let err = (try? String(contentsOfFile: dir + "/stderr.txt", encoding: .utf8)) ?? ""
            throw BenchError("resource-batch import exited with \(child.status): \(err)")
        }
        return Outcome(rows: rows, rate: clientRate, child: child, summary: summary)
    }

    /// New resources in the shape of `gen_resources.py` (without `--messy`): unique e-mails, 45 %
    /// Google and 45 % Microsoft calendars; deterministic.
    static func generate(rows: Int, to path: String) throws {
        let first = ["Ana", "Bjørn", "Chloé", "Dmitri", "Émile", "Fatima", "Grace", "Hiroshi", "Ines", "José", "Kofi", "Li"]
        let firstASCII = ["ana", "bjrn", "chlo", "dmitri", "mile", "fatima", "grace", "hiroshi", "ines", "jos", "kofi", "li"]
        let last = ["Smith", "García", "Müller", "Nguyen", "Kowalski", "Dubois", "Tanaka", "Okafor", "Rossi", "Patel"]
        let lastASCII = ["smith", "garca", "mller", "nguyen", "kowalski", "dubois", "tanaka", "okafor", "rossi", "patel"]
        let google = ["gmail.com", "googlemail.com", "acme-google.example"]
        let ms = ["outlook.com", "hotmail.com", "live.com", "contoso-ms.example"]
        let tz = ["America/New_York", "Europe/London", "Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin"]
        guard let out = OutputStream(toFileAtPath: path, append: false) else { throw BenchError("cannot write \(path)") }
        out.open()
        defer { out.close() }
        var buffer = "name,email,phone,timezone,description,googleCalendarId,outlookCalendarId,calendarAvailability\n"
        var rng = UInt64(42)
        func next() -> Int {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return Int(truncatingIfNeeded: rng >> 33)
        }
        func flush() {
            let bytes = Array(buffer.utf8)
            _ = bytes.withUnsafeBufferPointer { out.write($0.baseAddress!, maxLength: $0.count) }
            buffer.removeAll(keepingCapacity: true)
        }
        for i in 0..<rows {
            let f = next() % first.count, l = next() % last.count, kind = next() % 100
            let user = "\(firstASCII[f]).\(lastASCII[l])\(i)"
            var email: String, g = "", o = "", ca = 0
            if kind < 45 {
                email = "\(user)@\(google[next() % google.count])"; g = email; ca = next() % 2
            } else if kind < 90 {
                email = "\(user)@\(ms[next() % ms.count])"; o = email; ca = (next() % 2) * 2
            } else {
                email = "\(user)@example.org"
            }
            buffer += "\(first[f]) \(last[l]),\(email),+1555\(String(format: "%07d", i % 10_000_000)),\(tz[next() % tz.count]),Staff member \(i),\(g),\(o),\(ca)\n"
            if buffer.utf8.count > 1 << 16 { flush() }
        }
        flush()
    }

    /// Parses `--flag value` pairs over `defaults`; `nil` (after printing the usage) on a bad one.
    static func options(_ args: [String], _ defaults: [String: String], usage: String) -> [String: String]? {
        var o = defaults
        var i = 0
        while i < args.count {
            guard defaults[args[i]] != nil, i + 1 < args.count, Double(args[i + 1]).map({ $0 >= 0 }) == true else {
                printError("usage: resource-batch-bench \(usage)")
                return nil
            }
            o[args[i]] = args[i + 1]
            i += 2
        }
        return o
    }
}

/// Prints benchmark rows as one markdown table.
enum BenchTable {
    static func print(_ rows: [BenchRow]) {
        Swift.print("| suite | measure | result | reference / bound | target |")
        Swift.print("|---|---|---|---|---|")
        for r in rows { Swift.print("| \(r.suite) | \(r.measure) | \(r.result) | \(r.reference) | \(r.verdict) |") }
    }
}
