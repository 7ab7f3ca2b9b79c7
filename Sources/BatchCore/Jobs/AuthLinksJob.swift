import Foundation

/// `auth-links`: a fresh authorization link for every resource whose calendar is not yet
/// authorized (all with a calendar, with `all`), fetched concurrently under the rate limiter, as
/// an emailable spreadsheet with the import report's columns.
public struct AuthLinksJob: Sendable {
    public var outPath: String
    public var format: ReportFormat
    public var excel: Bool
    public var all: Bool
    public var returnURLs: ReturnURLs
    public var locationId: String?
    public var concurrency: Int

    public init(outPath: String, format: ReportFormat, excel: Bool, all: Bool, returnURLs: ReturnURLs,
                locationId: String?, concurrency: Int) {
        self.outPath = outPath
        self.format = format
        self.excel = excel
        self.all = all
        self.returnURLs = returnURLs
        self.locationId = locationId
        self.concurrency = max(1, concurrency)
    }

    /// Whether the resource gets a row, and with which calendar.
    func calendar(of r: Resource) -> (CalendarProvider, String, Bool)? {
        if let g = r.googleCalendarId, !g.isEmpty {
            let authorized = r.googleCalendarAuthorized ?? false
            return all || !authorized ? (.google, g, authorized) : nil
        }
        if let o = r.outlookCalendarId, !o.isEmpty {
            let authorized = r.outlookCalendarAuthorized ?? false
            return all || !authorized ? (.outlook, o, authorized) : nil
        }
        return nil
    }

    public func run(client: OnSchedClient, stop: StopSignal, progress: ProgressHandler?) async throws -> JobSummary {
        let clock = ContinuousClock()
        let started = clock.now
        var summary = JobSummary(command: "auth-links")
        let writer = try ReportWriter(path: outPath, format: format, excel: excel)
        var number = 0
        do {
            try await client.listResources(locationId: locationId) { page in
                let wanted = page.compactMap { r in calendar(of: r).map { (r, $0) } }
                var rows: [ReportRow] = []
                for start in stride(from: 0, to: wanted.count, by: concurrency) {
                    if stop.isStopped { break }
                    let slice = Array(wanted[start..<min(start + concurrency, wanted.count)])
                    let fetched = try await withThrowingTaskGroup(of: (Int, ReportRow).self) { group in
                        for (i, (r, cal)) in slice.enumerated() {
                            group.addTask { (i, try await link(r, cal, client: client)) }
                        }
                        var out = [ReportRow?](repeating: nil, count: slice.count)
                        for try await (i, row) in group { out[i] = row }
                        return out.compactMap { $0 }
                    }
                    rows += fetched
                }
                for var row in rows {
                    number += 1
                    row.row = number
                    try writer.write(row)
                    summary.count(row.status)
                }
                progress?(JobProgress(rowsDone: number, elapsed: seconds(clock.now - started)))
                if stop.isStopped { throw CancellationError() }
            }
        } catch is CancellationError {
        } catch {
            summary.stoppedBecause = "\(error)"
        }
        try writer.close()
        summary.record(await client.stats)
        summary.reportPath = outPath
        summary.elapsedSeconds = seconds(clock.now - started)
        if stop.current == .interrupted {
            summary.stoppedBecause = "interrupted"
            summary.exitCode = 130
        } else {
            summary.exitCode = summary.stoppedBecause != nil ? 3 : summary.rowsExitCode
        }
        return summary
    }

    /// One row: the fresh link, or `failed` with why (a missing return URL, a refusal of the API).
    private func link(_ r: Resource, _ cal: (CalendarProvider, String, Bool), client: OnSchedClient) async throws -> ReportRow {
        let (provider, calendarId, authorized) = cal
        var row = ReportRow(row: 0, line: 0, status: .valid, id: r.id, name: r.name, email: r.email, provider: provider,
                            calendarId: calendarId, calendarAvailability: r.calendarAvailability, authorized: authorized)
        let url = provider == .google ? returnURLs.google : returnURLs.outlook
        guard let url else {
            row.status = .failed
            row.message = "no \(provider == .google ? "--google-return-url" : "--outlook-return-url") given, so no link can be issued"
            return row
        }
        guard let id = r.id else {
            row.status = .failed
            row.message = "the API returned this resource without an id"
            return row
        }
        let urls = provider == .google ? ReturnURLs(google: url) : ReturnURLs(outlook: url)
        do {
            row.authUrl = try await client.authLink(
                resourceId: id, provider: provider == .google ? .google : .outlook, calendarId: calendarId, returnURLs: urls)
        } catch let error as OnSchedError where error.kind == .http {
            row.status = .failed
            row.message = error.message
        }
        return row
    }
}
