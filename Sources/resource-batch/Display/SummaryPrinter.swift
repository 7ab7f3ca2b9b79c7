import BatchCore
import Foundation

/// Prints the end-of-run summary on standard error and writes `--summary-json`.
enum SummaryPrinter {
    static func print(_ summary: JobSummary, quiet: Bool) {
        guard !quiet else { return }
        var lines: [String] = []
        let verdict = summary.exitCode == 0 ? Console.paint("done", "32") : Console.paint("finished with problems", "33")
        let head = summary.stoppedBecause.map { Console.paint("stopped: \($0)", "31") } ?? verdict
        let tally = summary.rows > 0 ? "\(summary.rows) rows: \(summary.countsLine)"
            : summary.stoppedBecause == nil ? "no rows" : "no row finished"
        lines.append("\(summary.command) \(head): \(tally)")
        if summary.command != "validate" {
            lines.append("  requests \(summary.requests), retries \(summary.retries), throttled \(summary.throttled)")
        }
        lines.append("  elapsed \(String(format: "%.1f", summary.elapsedSeconds)) s")
        if let report = summary.reportPath { lines.append("  report: \(report == "-" ? "standard output" : report)") }
        if let errors = summary.errorsPath { lines.append("  errors: \(errors) (fix these rows and import the file again)") }
        Console.line(lines.joined(separator: "\n"))
    }

    /// Writes `--summary-json` with the build's version and the run's start and end times; a
    /// failure is an ``OutputWriteError`` naming the file.
    static func writeJSON(_ summary: JobSummary, to path: String?, afterWrites: Bool = false) throws {
        guard let path else { return }
        var summary = summary
        summary.version = BuildInfo.versionText
        summary.startedAt = Console.timestamp(ResourceBatchCLI.startedAt)
        summary.finishedAt = Console.timestamp(Date())
        do {
            let file = try OutputFile(path: path)
            try file.write(Array(summary.json()) + [0x0A])
            try file.close()
        } catch {
            throw OutputWriteError(path: path, reason: String(describing: error), afterWrites: afterWrites)
        }
    }
}
