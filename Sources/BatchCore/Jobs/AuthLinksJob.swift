import BatchModel
import BatchWire
import BatchReport
import Foundation

/// `auth-links`: a fresh authorization link for every resource whose calendar is not yet
/// authorized (all with a calendar, with `all`), as an emailable spreadsheet with the import
/// report's columns. The links come 100 at a time from the list asked with the return URLs; the
/// calendar/auth endpoint is called only for resources the list answers without one, so 10,000
/// people take about 101 requests instead of 10,101.
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

    /// Lists the tenant 100 at a time, asking the list with the return URLs so it answers each
    /// link; only resources that come back without one go to the calendar/auth endpoint
    /// (`concurrency` at a time). Everything is checked before anything is written: a calendar
    /// whose provider has no return URL throws ``AuthLinksRefusal`` (and so does a run given no
    /// return URL at all, before any request).
    public func run(client: OnSchedClient, stop: StopSignal, progress: ProgressHandler?) async throws -> JobSummary {
        guard !returnURLs.queryItems.isEmpty else { throw AuthLinksRefusal.noReturnURL }
        let clock = ContinuousClock()
        let started = clock.now
        var summary = JobSummary(command: "auth-links")
        var rows: [ReportRow] = []
        var missing: [CalendarProvider: Int] = [:]
        var example: String?
        var listed = 0
        var pages = 0
        func report(_ phase: JobPhase) {
            progress?(JobProgress(rowsDone: rows.count { $0.authUrl != nil || $0.status == .failed }, elapsed: seconds(clock.now - started),
                                  rowsRead: rows.count, phase: phase, pages: pages))
        }
        report(.listing)
        do {
            try await client.listResources(locationId: locationId, returnURLs: returnURLs) { page in
                for r in page {
                    guard let (provider, calendarId, authorized) = calendar(of: r) else { continue }
                    guard returnURL(for: provider) != nil else {
                        missing[provider, default: 0] += 1
                        example = example ?? r.email ?? r.id
                        continue
                    }
                    var row = ReportRow(row: 0, line: 0, status: .valid, id: r.id, name: r.name, email: r.email, provider: provider,
                                        calendarId: calendarId, calendarAvailability: r.calendarAvailability, authorized: authorized)
                    let listedLink = provider == .google ? r.googleCalendarAuthUrl : r.outlookCalendarAuthUrl
                    if let listedLink, !listedLink.isEmpty { row.authUrl = listedLink }
                    rows.append(row)
                }
                listed += page.count
                pages += 1
                report(.listing)
                if stop.isStopped { throw CancellationError() }
            }
            if !missing.isEmpty { throw AuthLinksRefusal(missing: missing, example: example) }
            // The links the list did not answer, from the calendar/auth endpoint.
            let lacking = rows.indices.filter { rows[$0].authUrl == nil }
            if !lacking.isEmpty { report(.fetchingLinks) }
            for start in stride(from: 0, to: lacking.count, by: concurrency) {
                if stop.isStopped { throw CancellationError() }
                let slice = Array(lacking[start..<min(start + concurrency, lacking.count)])
                let fetched = try await withThrowingTaskGroup(of: (Int, ReportRow).self) { group in
                    for index in slice {
                        let row = rows[index]
                        group.addTask { (index, try await link(row, client: client)) }
                    }
                    var out: [(Int, ReportRow)] = []
                    for try await result in group { out.append(result) }
                    return out
                }
                for (index, row) in fetched { rows[index] = row }
                report(.fetchingLinks)
            }
        } catch is CancellationError {
            rows = []
        } catch let refusal as AuthLinksRefusal {
            throw refusal
        } catch {
            summary.stoppedBecause = "\(error)"
            rows.removeAll { $0.authUrl == nil && $0.status != .failed }  // never a row that looks done but has no link
        }
        if stop.current != .interrupted {
            let writer = try ReportWriter(path: outPath, format: format, excel: excel)
            for (number, var row) in rows.enumerated() {
                row.row = number + 1
                try writer.write(row)
                summary.count(row.status)
            }
            try writer.close()
            summary.reportPath = outPath
        }
        summary.record(await client.stats)
        summary.elapsedSeconds = seconds(clock.now - started)
        if stop.current == .interrupted {
            summary.stoppedBecause = "interrupted"
            summary.exitCode = 130
        } else {
            summary.exitCode = summary.stoppedBecause != nil ? 3 : summary.rowsExitCode
        }
        return summary
    }

    private func returnURL(for provider: CalendarProvider) -> String? {
        let url = provider == .google ? returnURLs.google : returnURLs.outlook
        return url.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The row with a fresh link from the calendar/auth endpoint, or `failed` with the API's refusal.
    private func link(_ row: ReportRow, client: OnSchedClient) async throws -> ReportRow {
        var row = row
        guard let provider = row.provider, let calendarId = row.calendarId, let url = returnURL(for: provider) else { return row }
        guard let id = row.id else {
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
