import Foundation
import XLSXCodec

/// `xlsx [--rows N] [--read-rows M] [--runs R]`: issue 15's measurement, in one run.
///
/// Writing: `resource-batch validate` of an N-row CSV (default 1,000,000; every 50th row invalid)
/// with the report as `.xlsx` against the same with the report as CSV: best wall time of R runs
/// each (default 2, alternately), the ratio (target ≤ 2×) and the peak RSS of the xlsx run
/// (target ≤ 64 MiB). Reading: `validate` of an M-row workbook (default 100,000, written by
/// XLSXCodec) against the same rows as CSV.
enum XLSXBench {
    static func run(_ args: [String]) async -> Int32 {
        var rows = 1_000_000, readRows = 100_000, runs = 2
        var i = 0
        while i < args.count {
            guard i + 1 < args.count, let n = Int(args[i + 1]), n > 0,
                  ["--rows", "--read-rows", "--runs"].contains(args[i]) else {
                printError("usage: resource-batch-bench xlsx [--rows N] [--read-rows M] [--runs R]")
                return 2
            }
            switch args[i] {
            case "--rows": rows = n
            case "--read-rows": readRows = n
            default: runs = n
            }
            i += 2
        }
        do {
            BenchTable.print(try measure(rows: rows, readRows: readRows, runs: runs))
            return 0
        } catch {
            printError("xlsx benchmark: \(error)")
            return 1
        }
    }

    static func person(_ i: Int) -> [String] {
        [i % 50 == 49 ? "" : "Person \(i) Dubois-Müller", "p\(i)@acme-google.example", "p\(i)@acme-google.example"]
    }

    static func writeCSV(_ path: String, rows: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw BenchError("cannot write \(path)")
        }
        defer { try? out.close() }
        var text = "name,email,googleCalendarId\n"
        for i in 0..<rows {
            text += person(i).joined(separator: ",") + "\n"
            if text.utf8.count > 1 << 20 {
                out.write(Data(text.utf8))
                text = ""
            }
        }
        out.write(Data(text.utf8))
    }

    static func writeWorkbook(_ path: String, rows: Int) throws {
        let writer = try XLSXWriter(path: path)
        try writer.beginSheet("Staff")
        try writer.appendRow([.text("name"), .text("email"), .text("googleCalendarId")])
        for i in 0..<rows { try writer.appendRow(person(i).map { $0.isEmpty ? .empty : .text($0) }) }
        try writer.close()
    }

    static func measure(rows: Int, readRows: Int, runs: Int) throws -> [BenchRow] {
        let dir = BenchProcess.temporaryDirectory + "/resource-batch-bench-xlsx-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let table = dir + "/domain-hosting.csv"
        try "domain,provider\nacme-google.example,google\n".write(toFile: table, atomically: true, encoding: .utf8)
        let input = dir + "/people.csv"
        try writeCSV(input, rows: rows)
        func validate(_ file: String, report: String) -> [String] {
            [BenchProcess.productBinary, "validate", file, "--domain-hosting", table, "--google-return-url", "https://e.com/x",
             "--report", report, "--errors", dir + "/errors.csv", "--quiet"]
        }
        var csv: [ChildResult] = [], xlsx: [ChildResult] = []
        for _ in 0..<runs {
            for (format, into) in [("csv", 0), ("xlsx", 1)] {
                let r = try BenchProcess.run(validate(input, report: dir + "/report.\(format)"))
                guard r.status <= 1 else { throw BenchError("validate with a .\(format) report exited with \(r.status)") }
                if into == 0 { csv.append(r) } else { xlsx.append(r) }
            }
        }
        let xlsxSize = (try? FileManager.default.attributesOfItem(atPath: dir + "/report.xlsx")[.size] as? Int) ?? 0
        let csvSize = (try? FileManager.default.attributesOfItem(atPath: dir + "/report.csv")[.size] as? Int) ?? 0
        let (c, x) = (BenchProcess.best(csv), BenchProcess.best(xlsx))
        let ratio = x.wall / c.wall
        let mib = Double(x.maxRSSKB) / 1024
        printError("write \(rows) rows: csv \(fmt(c.wall)) s, CPU \(fmt(c.cpu)) s (\(csvSize / 1_000_000) MB, \(c.maxRSSKB / 1024) MiB RSS), "
                   + "xlsx \(fmt(x.wall)) s, CPU \(fmt(x.cpu)) s (\(xlsxSize / 1_000_000) MB, \(fmt(mib, 1)) MiB RSS): \(fmt(ratio))×")

        let readCSV = dir + "/read.csv", readXLSX = dir + "/read.xlsx"
        try writeCSV(readCSV, rows: readRows)
        try writeWorkbook(readXLSX, rows: readRows)
        var rc: [ChildResult] = [], rx: [ChildResult] = []
        for _ in 0..<runs {
            rc.append(try BenchProcess.run(validate(readCSV, report: dir + "/read-report.csv")))
            rx.append(try BenchProcess.run(validate(readXLSX, report: dir + "/read-report.csv")))
        }
        guard rx.allSatisfy({ $0.status <= 1 }), rc.allSatisfy({ $0.status <= 1 }) else { throw BenchError("validate of the read inputs failed") }
        let (bc, bx) = (BenchProcess.best(rc), BenchProcess.best(rx))
        printError("read \(readRows) rows: csv \(fmt(bc.wall)) s, xlsx \(fmt(bx.wall)) s (\(bx.maxRSSKB / 1024) MiB RSS): \(fmt(bx.wall / bc.wall))×")
        return [
            BenchRow(suite: "xlsx", measure: "validate \(rows) rows, report .xlsx vs .csv (wall)",
                     result: "\(fmt(x.wall)) s vs \(fmt(c.wall)) s = \(fmt(ratio))× (CPU \(fmt(x.cpu)) s vs \(fmt(c.cpu)) s)",
                     reference: "≤ 2×", verdict: ratio <= 2 ? "met" : "missed"),
            BenchRow(suite: "xlsx", measure: "peak RSS of the .xlsx run", result: "\(fmt(mib, 1)) MiB",
                     reference: "≤ 64 MiB", verdict: mib <= 64 ? "met" : "missed"),
            BenchRow(suite: "xlsx", measure: "validate \(readRows) rows read from .xlsx vs .csv (wall)",
                     result: "\(fmt(bx.wall)) s vs \(fmt(bc.wall)) s = \(fmt(bx.wall / bc.wall))× (CPU \(fmt(bx.cpu)) s vs \(fmt(bc.cpu)) s)",
                     reference: "(no target)", verdict: "-"),
        ]
    }
}
