import BatchReport
import BatchRules

/// What `validate`'s two loops (``ValidateJob/run()`` and its CSV path) keep from batch to
/// batch: the summary, the counts its progress shows, and when progress was last reported.
struct ValidateTally {
    var summary = JobSummary(command: "validate")
    private var counts: [RowStatus: Int] = [:]
    private let started: ContinuousClock.Instant
    private var lastProgress: ContinuousClock.Instant
    private let clock = ContinuousClock()

    init(started: ContinuousClock.Instant) {
        self.started = started
        lastProgress = started
    }

    /// Counts a batch's statuses; returns how many are valid. Valid rows are counted once per
    /// batch: a dictionary update per row showed in profiles.
    mutating func add(_ statuses: [RowStatus]) -> Int {
        var valid = 0
        for status in statuses {
            if status == .valid {
                valid += 1
                continue
            }
            summary.count(status)
            counts[status, default: 0] += 1
        }
        if valid > 0 {
            summary.count(.valid, times: valid)
            counts[.valid, default: 0] += valid
        }
        return valid
    }

    /// Reports progress when 200 ms have passed since it last did.
    mutating func progressIfDue(_ progress: ProgressHandler?, bytesRead: @autoclosure () -> Int, totalBytes: Int?) {
        guard let progress, clock.now - lastProgress > .milliseconds(200) else { return }
        lastProgress = clock.now
        progress(JobProgress(rowsDone: summary.rows, counts: counts, bytesRead: bytesRead(), totalBytes: totalBytes,
                             elapsed: seconds(clock.now - started), phase: .validating))
    }

    /// Closes the outputs, checks the input did not change while read, reports the last progress
    /// and returns the summary.
    mutating func finish(_ job: ValidateJob, report: ReportWriter, errors: ErrorsWriter) throws -> JobSummary {
        try report.close()
        try errors.close()
        try job.input.checkUnchanged()
        job.progress?(JobProgress(rowsDone: summary.rows, counts: counts, bytesRead: job.input.size ?? 0,
                                  totalBytes: job.input.size, elapsed: seconds(clock.now - started), phase: .validating))
        summary.reportPath = job.reportPath
        summary.errorsPath = errors.rowsWritten > 0 ? job.errorsPath : nil
        summary.elapsedSeconds = seconds(clock.now - started)
        summary.exitCode = summary.rowsExitCode
        return summary
    }
}
