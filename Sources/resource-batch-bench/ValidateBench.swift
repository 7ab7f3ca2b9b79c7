import Foundation

/// `validate FILE [--runs N]`: issue 3's measurement. Runs `resource-batch validate FILE` with a
/// `--domain-hosting` table (no DNS) and the report written, and the Rust csv crate's bare parse
/// of the same file (the anchor, if built), alternately, N times each (default 3); prints the best
/// wall time of each and its CPU time, with issue 3's targets (wall ≤ 3× the anchor, peak RSS < 64 MiB)
/// and issue 17's (wall ≤ 1.6×, CPU ≤ 2.5×, peak RSS ≤ 48 MiB).
enum ValidateBench {
    static let rustAnchor = "/tmp/resource-batch-anchors/rust-csv-anchor/target/release/rust-csv-count"

    static func run(_ args: [String]) async -> Int32 {
        var path: String?
        var runs = 3
        var i = 0
        while i < args.count {
            if args[i] == "--runs", i + 1 < args.count, let n = Int(args[i + 1]), n > 0 {
                runs = n
                i += 2
                continue
            }
            if path != nil || args[i].hasPrefix("--") {
                printError("usage: resource-batch-bench validate FILE [--runs N]")
                return 2
            }
            path = args[i]
            i += 1
        }
        guard let path else {
            printError("usage: resource-batch-bench validate FILE [--runs N]")
            return 2
        }
        do {
            BenchTable.print(try rows(file: path, runs: runs))
            return 0
        } catch {
            printError("validate benchmark: \(error)")
            return 1
        }
    }

    static func rows(file: String, runs: Int) throws -> [BenchRow] {
        let dir = BenchProcess.temporaryDirectory + "/resource-batch-bench-validate-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let table = dir + "/domain-hosting.csv"
        try "domain,provider\nacme-google.example,google\ncontoso-ms.example,microsoft\nexample.org,other\n"
            .write(toFile: table, atomically: true, encoding: .utf8)
        let ours = [
            BenchProcess.productBinary, "validate", file, "--domain-hosting", table,
            "--google-return-url", "https://e.com/x", "--outlook-return-url", "https://e.com/x",
            "--report", dir + "/v.report.csv", "--errors", dir + "/v.errors.csv", "--quiet",
        ]
        let haveAnchor = FileManager.default.isExecutableFile(atPath: rustAnchor)
        var mine: [ChildResult] = []
        var rust: [ChildResult] = []
        for _ in 0..<runs {
            if haveAnchor { rust.append(try BenchProcess.run([rustAnchor, file])) }
            let r = try BenchProcess.run(ours)
            guard r.status <= 1 else { throw BenchError("resource-batch validate exited with \(r.status)") }
            mine.append(r)
        }
        let m = BenchProcess.best(mine)
        let rssMiB = Double(mine.map(\.maxRSSKB).max()!) / 1024
        var line = "validate: best of \(runs): \(fmt(m.wall)) s wall, \(fmt(m.user)) s user + \(fmt(m.sys)) s sys, peak RSS \(fmt(rssMiB, 1)) MiB"
        var out: [BenchRow] = []
        if haveAnchor {
            let a = BenchProcess.best(rust)
            let ratio = m.wall / a.wall
            line += "; rust csv anchor \(fmt(a.wall)) s wall, \(fmt(a.cpu)) s CPU; ratio \(fmt(ratio, 1))× (CPU \(fmt(m.cpu / a.cpu, 1))×)"
            let cpuRatio = m.cpu / a.cpu
            out.append(BenchRow(suite: "validate", measure: "1,000,000-row file, --domain-hosting, report written: wall (best of \(runs))",
                                result: "\(fmt(m.wall)) s (\(fmt(ratio, 2))× Rust)", reference: "Rust csv bare parse \(fmt(a.wall)) s; 1.6× = \(fmt(1.6 * a.wall)) s, 3× = \(fmt(3 * a.wall)) s",
                                verdict: ratio <= 1.6 ? "met (≤ 1.6×, issue 17)" : ratio <= 3 ? "issue 3 met (≤ 3×); issue 17 NOT met (> 1.6×)" : "NOT met (> 3×)"))
            out.append(BenchRow(suite: "validate", measure: "CPU time (user+sys) of that run", result: "\(fmt(m.cpu)) s (\(fmt(cpuRatio, 2))× Rust)",
                                reference: "Rust \(fmt(a.cpu)) s; 2.5× = \(fmt(2.5 * a.cpu)) s",
                                verdict: cpuRatio <= 2.5 ? "met (≤ 2.5×, issue 17)" : "NOT met (> 2.5×, issue 17)"))
        } else {
            line += "; the Rust anchor is not built (run /work/shared/bench/csv-anchors.sh)"
            out.append(BenchRow(suite: "validate", measure: "wall / CPU (best of \(runs))", result: "\(fmt(m.wall)) s / \(fmt(m.cpu)) s",
                                reference: "Rust anchor not built", verdict: "?"))
        }
        out.append(BenchRow(suite: "validate", measure: "peak RSS", result: "\(fmt(rssMiB, 1)) MiB", reference: "≤ 48 MiB (issue 17); < 64 MiB (issue 3)",
                            verdict: rssMiB <= 48 ? "met" : rssMiB < 64 ? "issue 3 met; issue 17 NOT met" : "NOT met"))
        printError(line)
        return out
    }
}
