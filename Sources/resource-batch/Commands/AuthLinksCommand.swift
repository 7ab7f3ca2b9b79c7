import BatchCore

/// `resource-batch auth-links`: an emailable spreadsheet of fresh authorization links.
enum AuthLinksCommand {
    static let spec = CommandSpec(
        name: "auth-links", summary: "Write a fresh authorization link for every resource whose calendar is not yet authorized.",
        usage: "auth-links [--out PATH|-] [options]",
        options: [
            .value("out", "PATH", "where to write (default auth-links.csv; - for standard output)"),
            .value("format", "csv|jsonl|xlsx", "output format (default: from --out's extension, else csv); xlsx is a workbook to email"),
            .flag("all", "include resources whose calendar is already authorized"),
            .value("google-return-url", "URL", "where people land after authorizing Google (needed for Google links)"),
            .value("outlook-return-url", "URL", "where people land after authorizing Outlook (needed for Outlook links)"),
            .value("location-id", "ID", "the location (default: the primary location)"),
            .flag("excel", "add a UTF-8 byte order mark to CSV so Excel reads it right"),
        ] + APIOptions.location + APIOptions.requests + [
            .value("summary-json", "PATH", "also write the summary as JSON"),
            .flag("quiet", "print no progress and no summary"),
            CommonOptions.force,
        ],
        discussion: """
            Links come 100 at a time from the resource list asked with the return URLs; the calendar/auth endpoint is \
            called only for resources listed without one. A calendar whose provider has no return URL stops the run \
            before anything is written.
            Exit codes: 0 every link issued, 1 some rows failed (see the file), 2 usage error or a missing return URL \
            (nothing written), 3 the run stopped.
            """)

    static func run(_ args: ParsedArguments) async throws -> Int32 {
        let explicit = try args.choice("format", ["csv", "jsonl", "xlsx"]).flatMap(ReportFormat.init(rawValue:))
        let format = explicit ?? args.value("out").flatMap(ReportFormat.fromExtension) ?? .csv
        let out = args.value("out") ?? "auth-links.\(format.rawValue)"
        let quiet = args.flag("quiet")
        try CommonOptions.checkOutputPaths(out: out, summaryJSON: args.value("summary-json"))
        let validation = try CommonOptions.validationOptions(args)
        if validation.returnURLs.queryItems.isEmpty {
            throw UsageError("auth-links needs --google-return-url and/or --outlook-return-url: a link must say where people land after authorizing",
                             command: "auth-links")
        }
        let concurrency = try args.integer("concurrency", in: 1...64) ?? 4
        try CommonOptions.refuseToReplace(out, args)
        let connection = try APIOptions.connect(args, concurrency: concurrency)
        defer { connection.close() }
        let stop = StopSignal()
        connection.client.stopWaiting { stop.isStopped }
        let trap = SignalTrap(stop: stop, quiet: quiet)
        defer { trap.cancel() }
        let job = AuthLinksJob(outPath: out, format: format, excel: args.flag("excel"), all: args.flag("all"),
                               returnURLs: validation.returnURLs, locationId: args.value("location-id"),
                               concurrency: concurrency)
        let display = ProgressDisplay(quiet: quiet, verb: "linked", unit: "resources", phase: .listing)
        let summary: JobSummary
        do {
            summary = try await job.run(client: connection.client, stop: stop, progress: display.handler)
        } catch let refusal as AuthLinksRefusal {
            display.finish()
            let needed = [CalendarProvider.google, .outlook].filter { refusal.missing[$0] != nil }
                .map { $0 == .google ? "--google-return-url" : "--outlook-return-url" }
            throw UsageError("\(refusal); give \(needed.joined(separator: " and "))", command: "auth-links")
        }
        display.finish()
        SummaryPrinter.print(summary, quiet: quiet)
        try SummaryPrinter.writeJSON(summary, to: args.value("summary-json"))
        return summary.exitCode
    }
}
