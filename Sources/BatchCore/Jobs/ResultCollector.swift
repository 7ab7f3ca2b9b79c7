/// Puts row results back into input order and writes them: report, errors file, counts.
///
/// Rows arrive two ways: final at once (invalid, skipped, dry-run, finished in an earlier run) or
/// pending (a template awaiting the API's answer), later completed by a worker. Memory is the
/// rows between the oldest unfinished row and the newest one read, which the import bounds.
actor ResultCollector {
    private struct Entry: Sendable {
        var report: ReportRow
        var raw: [UInt8]?
    }

    private var pending: [Int: Entry] = [:]
    private var order = ReorderBuffer<Entry>()
    private let report: ReportWriter
    private let errors: ErrorsWriter
    private(set) var summary: JobSummary
    private var counts: [RowStatus: Int] = [:]
    private var writeError: (any Error)?

    init(command: String, reportPath: String, reportFormat: ReportFormat, excel: Bool, errorsPath: String,
         layout: ErrorsFileLayout) throws {
        report = try ReportWriter(path: reportPath, format: reportFormat, excel: excel)
        errors = ErrorsWriter(path: errorsPath, layout: layout)
        summary = JobSummary(command: command)
        summary.reportPath = reportPath
    }

    /// Rows between the oldest unfinished one and the newest one seen.
    var backlog: Int { order.pending + pending.count }
    var statusCounts: [RowStatus: Int] { counts }
    var rowsDone: Int { counts.values.reduce(0, +) }

    /// Rows whose outcome is known now.
    func addFinal(_ rows: [(ReportRow, [UInt8]?)]) throws {
        for (row, raw) in rows { try finish(Entry(report: row, raw: raw)) }
    }

    /// Rows that wait for the API: their report line so far, completed by `complete(_:)`.
    func addPending(_ rows: [(ReportRow, [UInt8]?)]) {
        for (row, raw) in rows { pending[row.row] = Entry(report: row, raw: raw) }
    }

    /// The outcomes of sent rows, merged into their templates.
    func complete(_ outcomes: [JournalRowOutcome]) throws {
        for o in outcomes {
            guard var entry = pending.removeValue(forKey: o.row) else { continue }
            entry.report.apply(o)
            try finish(entry)
        }
    }

    private func finish(_ entry: Entry) throws {
        counts[entry.report.status, default: 0] += 1
        for ready in try order.insert(row: entry.report.row, value: entry) {
            try report.write(ready.report)
            summary.count(ready.report.status)
            if ready.report.status.isFailure {
                try errors.write(raw: ready.raw, message: ready.report.message)
            }
        }
    }

    /// Flushes and closes the files; rows never finished (a stopped run) are left for `--resume`.
    func close() throws -> JobSummary {
        try report.close()
        try errors.close()
        summary.errorsPath = errors.rowsWritten > 0 ? errors.path : nil
        return summary
    }
}

extension ReportRow {
    /// Merges a sent row's outcome: status, id, link, and the calendar the API reports when the
    /// row named none (an update of someone who already has a calendar).
    mutating func apply(_ o: JournalRowOutcome) {
        switch o.status {
        case .created: status = .created
        case .updated: status = .updated
        case .failed: status = .failed
        }
        id = o.id ?? id
        authUrl = o.authUrl ?? authUrl
        authorized = o.authorized ?? authorized
        if provider == nil, let p = o.provider.flatMap(CalendarProvider.init(rawValue:)) { provider = p }
        if calendarId == nil { calendarId = o.calendarId }
        if calendarAvailability == nil { calendarAvailability = o.calendarAvailability }
        if let extra = o.message, !extra.isEmpty {
            message = message.isEmpty ? extra : message + "; " + extra
        }
    }
}
