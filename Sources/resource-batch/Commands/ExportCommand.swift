import BatchCore

/// `resource-batch export`: every resource of the tenant to CSV, JSONL or an .xlsx workbook.
enum ExportCommand {
    static let spec = CommandSpec(
        name: "export", summary: "Write every resource of the tenant to CSV, JSONL or XLSX (importable again).",
        usage: "export [--out PATH|-] [options]",
        options: [
            .value("out", "PATH", "where to write (default resources.csv; - for standard output)"),
            .value("format", "csv|jsonl|xlsx", "output format (default: from --out's extension, else csv)"),
            .value("location-id", "ID", "the location to export (default: the primary location)"),
            .flag("include-deleted", "include deleted resources"),
            .flag("excel", "add a UTF-8 byte order mark to CSV so Excel reads it right"),
        ] + APIOptions.location + APIOptions.requests + [
            .value("summary-json", "PATH", "also write the summary as JSON"),
            .flag("quiet", "print no progress and no summary"),
            CommonOptions.force,
        ])

    static func run(_ args: ParsedArguments) async throws -> Int32 {
        let explicit = try args.choice("format", ["csv", "jsonl", "xlsx"]).flatMap(ReportFormat.init(rawValue:))
        let format = explicit ?? args.value("out").flatMap(ReportFormat.fromExtension) ?? .csv
        let out = args.value("out") ?? "resources.\(format.rawValue)"
        let quiet = args.flag("quiet")
        try CommonOptions.checkOutputPaths(out: out, summaryJSON: args.value("summary-json"))
        try CommonOptions.refuseToReplace(out, args)
        let connection = try APIOptions.connect(args, concurrency: 1)
        defer { connection.close() }
        let job = ExportJob(outPath: out, format: format, excel: args.flag("excel"),
                            locationId: args.value("location-id"), includeDeleted: args.flag("include-deleted"))
        let display = ProgressDisplay(quiet: quiet, verb: "exported", unit: "resources", phase: .listing)
        let summary = try await job.run(client: connection.client, progress: display.handler)
        display.finish()
        SummaryPrinter.print(summary, quiet: quiet)
        try SummaryPrinter.writeJSON(summary, to: args.value("summary-json"))
        return summary.exitCode
    }
}
