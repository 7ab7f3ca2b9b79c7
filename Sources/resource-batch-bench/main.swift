import Foundation

/// `resource-batch-bench SUITE [args]`: throughput and memory benchmarks, run in release mode.
let arguments = Array(CommandLine.arguments.dropFirst())
let suites: [(name: String, summary: String, run: ([String]) async -> Int32)] = [
    ("csv", "csv FILE [--delimiter C] [--print] [--lending] [--runs N]: read every record with CSVCodec (--runs: beside the Rust anchor)", CSVBench.run),
    ("emulator", "emulator [--seconds S] [--connections N]: requests per second the emulator serves", EmulatorBench.run),
    ("validate", "validate FILE [--runs N]: `resource-batch validate` vs the Rust csv crate's bare parse, and peak RSS", ValidateBench.run),
    ("import", "import [--rate R] [--rows N] [--latency MS] [--concurrency C]: import rows/s against the rate-limit bound", ImportBench.run),
    ("sync", "sync [--rows N] [--rate R] [--latency MS] [--changed P]: the unchanged night and a 1 % night against the request bound", SyncBench.run),
    ("import-memory", "import-memory [--rows N] [--concurrency C]: client peak RSS of a 1,000,000-row import", ImportBench.runMemory),
    ("import-cpu", "import-cpu [--rows N] [--concurrency C] [--runs R] [--callgrind 0|1] [--cg-rows A]: import client CPU per row and instructions per row (issue 17)", ImportCPUBench.run),
    ("auth-links", "auth-links [--people N] [--rate R] [--latency MS]: auth-links requests and wall time vs token + N/100 list pages", AuthLinksBench.run),
    ("xlsx", "xlsx [--rows N] [--read-rows M] [--runs R]: a 1,000,000-row report as .xlsx vs .csv, and reading .xlsx vs .csv", XLSXBench.run),
    ("all", "all [FILE]: csv, validate, import, import-memory and emulator, then one markdown table", AllBench.run),
]

guard let name = arguments.first, let suite = suites.first(where: { $0.name == name }) else {
    let usage = suites.map { "  \($0.summary)" }.joined(separator: "\n")
    FileHandle.standardError.write(Data("usage: resource-batch-bench SUITE [options]\n\(usage)\n".utf8))
    exit(2)
}
exit(await suite.run(Array(arguments.dropFirst())))
