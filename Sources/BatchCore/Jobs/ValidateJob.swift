import BatchInput
import BatchRules
import BatchReport
import Foundation

/// `validate`: every row checked, nothing sent; the same report and errors file as `import`.
public struct ValidateJob {
    public var input: OpenedInput
    public var options: ValidationOptions
    public var hosting: HostingClassifier?
    public var reportPath: String
    public var reportFormat: ReportFormat
    public var excel: Bool
    public var errorsPath: String
    public var progress: ProgressHandler?

    public init(
        input: OpenedInput, options: ValidationOptions, hosting: HostingClassifier?, reportPath: String,
        reportFormat: ReportFormat, excel: Bool, errorsPath: String, progress: ProgressHandler? = nil
    ) {
        self.input = input
        self.options = options
        self.hosting = hosting
        self.reportPath = reportPath
        self.reportFormat = reportFormat
        self.excel = excel
        self.errorsPath = errorsPath
        self.progress = progress
    }

    public func run() async throws -> JobSummary {
        let clock = ContinuousClock()
        let started = clock.now
        if let csv = input.source as? CSVRecordSource { return try await runArena(csv, started: started) }
        var summary = JobSummary(command: "validate")
        let pipeline = ValidationPipeline(source: input.source, options: options, hosting: hosting, readAhead: 2,
                                          expectedBytes: input.size)
        let report = try ReportWriter(path: reportPath, format: reportFormat, excel: excel)
        let errors = input.errorsWriter(path: errorsPath)
        var lastProgress = started
        var counts: [RowStatus: Int] = [:]
        var statuses: [RowStatus] = []
        while var batch = try await pipeline.nextBatch() {
            statuses.removeAll(keepingCapacity: true)
            var valid = 0
            for i in batch.indices {
                let status: RowStatus = batch[i].issues.hasErrors ? .invalid : (batch[i].duplicateOf != nil ? .skipped : .valid)
                statuses.append(status)
                if status == .valid {
                    valid += 1 // counted per batch: a dictionary update per row showed in profiles
                    continue
                }
                summary.count(status)
                counts[status, default: 0] += 1
            }
            try report.write(batch, statuses: statuses)
            if valid < batch.count {
                for i in batch.indices where statuses[i].isFailure {
                    try errors.write(raw: batch[i].record.raw, message: batch[i].issues.reportMessage)
                }
            }
            if valid > 0 {
                summary.count(.valid, times: valid)
                counts[.valid, default: 0] += valid
            }
            pipeline.recycle(&batch) // its buffers go back to the reading thread, to be filled again
            if let progress, clock.now - lastProgress > .milliseconds(200) {
                lastProgress = clock.now
                progress(JobProgress(rowsDone: summary.rows, counts: counts, bytesRead: pipeline.bytesRead,
                                     totalBytes: input.size, elapsed: seconds(clock.now - started), phase: .validating))
            }
        }
        try report.close()
        try errors.close()
        try input.checkUnchanged()
        progress?(JobProgress(rowsDone: summary.rows, counts: counts, bytesRead: input.size ?? 0, totalBytes: input.size,
                              elapsed: seconds(clock.now - started), phase: .validating))
        summary.reportPath = reportPath
        summary.errorsPath = errors.rowsWritten > 0 ? errorsPath : nil
        summary.elapsedSeconds = seconds(clock.now - started)
        summary.exitCode = summary.rowsExitCode
        return summary
    }
}

extension ValidateJob {
    /// ``run()`` for CSV input: the rows stay in batch arenas (``ArenaValidationPipeline``) from
    /// the reader to the report and the errors file. The same report, errors file, counts and
    /// progress as the general path.
    func runArena(_ csv: CSVRecordSource, started: ContinuousClock.Instant) async throws -> JobSummary {
        let clock = ContinuousClock()
        var summary = JobSummary(command: "validate")
        let pipeline = ArenaValidationPipeline(source: csv, options: options, hosting: hosting, readAhead: 2,
                                               expectedBytes: input.size)
        let report = try ReportWriter(path: reportPath, format: reportFormat, excel: excel)
        let errors = input.errorsWriter(path: errorsPath)
        var lastProgress = started
        var counts: [RowStatus: Int] = [:]
        var statuses: [RowStatus] = []
        while var batch = try await pipeline.nextBatch() {
            statuses.removeAll(keepingCapacity: true)
            var valid = 0
            for i in 0..<batch.count {
                let status: RowStatus = batch.rows[i].hasErrors ? .invalid : (batch.rows[i].duplicateOf != 0 ? .skipped : .valid)
                statuses.append(status)
                if status == .valid {
                    valid += 1 // counted per batch: a dictionary update per row showed in profiles
                    continue
                }
                summary.count(status)
                counts[status, default: 0] += 1
            }
            try report.write(batch, statuses: statuses)
            if valid < batch.count {
                for i in 0..<batch.count where statuses[i].isFailure {
                    try errors.write(raw: batch.raw(i), fieldCount: Int(batch.rows[i].fieldCount), message: batch.message(i))
                }
            }
            if valid > 0 {
                summary.count(.valid, times: valid)
                counts[.valid, default: 0] += valid
            }
            pipeline.recycle(&batch) // its buffers go back to the reading thread, to be filled again
            if let progress, clock.now - lastProgress > .milliseconds(200) {
                lastProgress = clock.now
                progress(JobProgress(rowsDone: summary.rows, counts: counts, bytesRead: pipeline.bytesRead,
                                     totalBytes: input.size, elapsed: seconds(clock.now - started), phase: .validating))
            }
        }
        try report.close()
        try errors.close()
        try input.checkUnchanged()
        progress?(JobProgress(rowsDone: summary.rows, counts: counts, bytesRead: input.size ?? 0, totalBytes: input.size,
                              elapsed: seconds(clock.now - started), phase: .validating))
        summary.reportPath = reportPath
        summary.errorsPath = errors.rowsWritten > 0 ? errorsPath : nil
        summary.elapsedSeconds = seconds(clock.now - started)
        summary.exitCode = summary.rowsExitCode
        return summary
    }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
