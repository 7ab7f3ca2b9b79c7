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
        let started = ContinuousClock.now
        if let csv = input.source as? CSVRecordSource { return try await runArena(csv, started: started) }
        var tally = ValidateTally(started: started)
        let pipeline = ValidationPipeline(source: input.source, options: options, hosting: hosting, readAhead: 2,
                                          expectedBytes: input.size)
        let report = try ReportWriter(path: reportPath, format: reportFormat, excel: excel)
        let errors = input.errorsWriter(path: errorsPath)
        var statuses: [RowStatus] = []
        while var batch = try await pipeline.nextBatch() {
            statuses.removeAll(keepingCapacity: true)
            for i in batch.indices {
                statuses.append(batch[i].issues.hasErrors ? .invalid : (batch[i].duplicateOf != nil ? .skipped : .valid))
            }
            let valid = tally.add(statuses)
            try report.write(batch, statuses: statuses)
            if valid < batch.count {
                for i in batch.indices where statuses[i].isFailure {
                    try errors.write(raw: batch[i].record.raw, message: batch[i].issues.reportMessage)
                }
            }
            pipeline.recycle(&batch) // its buffers go back to the reading thread, to be filled again
            tally.progressIfDue(progress, bytesRead: pipeline.bytesRead, totalBytes: input.size)
        }
        return try tally.finish(self, report: report, errors: errors)
    }
}

extension ValidateJob {
    /// ``run()`` for CSV input: the rows stay in batch arenas (``ArenaValidationPipeline``) from
    /// the reader to the report and the errors file. The same report, errors file, counts and
    /// progress as the general path.
    func runArena(_ csv: CSVRecordSource, started: ContinuousClock.Instant) async throws -> JobSummary {
        var tally = ValidateTally(started: started)
        let pipeline = ArenaValidationPipeline(source: csv, options: options, hosting: hosting, readAhead: 2,
                                               expectedBytes: input.size)
        let report = try ReportWriter(path: reportPath, format: reportFormat, excel: excel)
        let errors = input.errorsWriter(path: errorsPath)
        var statuses: [RowStatus] = []
        while var batch = try await pipeline.nextBatch() {
            statuses.removeAll(keepingCapacity: true)
            for i in 0..<batch.count {
                statuses.append(batch.rows[i].hasErrors ? .invalid : (batch.rows[i].duplicateOf != 0 ? .skipped : .valid))
            }
            let valid = tally.add(statuses)
            try report.write(batch, statuses: statuses)
            if valid < batch.count {
                for i in 0..<batch.count where statuses[i].isFailure {
                    try errors.write(raw: batch.raw(i), fieldCount: Int(batch.rows[i].fieldCount), message: batch.message(i))
                }
            }
            pipeline.recycle(&batch) // its buffers go back to the reading thread, to be filled again
            tally.progressIfDue(progress, bytesRead: pipeline.bytesRead, totalBytes: input.size)
        }
        return try tally.finish(self, report: report, errors: errors)
    }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
