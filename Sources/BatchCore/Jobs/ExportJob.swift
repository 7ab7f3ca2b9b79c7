import BatchWire
import BatchReport
import Foundation

/// `export`: every resource of the tenant through the paged list, streamed to CSV, JSONL or XLSX with
/// the import's columns plus the two authorization columns.
public struct ExportJob: Sendable {
    public var outPath: String
    public var format: ReportFormat
    public var excel: Bool
    public var locationId: String?
    public var includeDeleted: Bool

    public init(outPath: String, format: ReportFormat, excel: Bool, locationId: String?, includeDeleted: Bool) {
        self.outPath = outPath
        self.format = format
        self.excel = excel
        self.locationId = locationId
        self.includeDeleted = includeDeleted
    }

    /// Writes the export; an API failure ends the run (exit 3) with what was written so far kept.
    public func run(client: OnSchedClient, progress: ProgressHandler?) async throws -> JobSummary {
        let clock = ContinuousClock()
        let started = clock.now
        var summary = JobSummary(command: "export")
        let writer = try ReportWriter(path: outPath, format: format, excel: excel,
                                      columns: ResourceFlattener.exportColumns.map(\.name))
        var count = 0
        var pages = 0
        progress?(JobProgress(elapsed: 0, phase: .listing, pages: 0))
        do {
            try await client.listResources(locationId: locationId, includeDeleted: includeDeleted) { page in
                for r in page {
                    switch format {
                    case .csv, .xlsx: try writer.writeCells(ResourceFlattener.cells(of: r))
                    case .jsonl: try writer.writeJSONLine(ResourceFlattener.jsonLine(of: r))
                    }
                }
                count += page.count
                pages += 1
                progress?(JobProgress(rowsDone: count, elapsed: seconds(clock.now - started), phase: .listing, pages: pages))
            }
        } catch {
            summary.stoppedBecause = "\(error)"
        }
        try writer.close()
        summary.rows = count
        summary.counts = ["exported": count]
        summary.record(await client.stats)
        summary.reportPath = outPath
        summary.elapsedSeconds = seconds(clock.now - started)
        summary.exitCode = summary.stoppedBecause == nil ? 0 : 3
        return summary
    }
}
