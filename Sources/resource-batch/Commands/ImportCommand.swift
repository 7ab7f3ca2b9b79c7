import BatchCore
import Foundation

/// `resource-batch import FILE`: create or update every resource in FILE, write a report.
enum ImportCommand {
    static let spec = CommandSpec(
        name: "import", summary: "Create or update every resource in FILE and write a report with each authorization link.",
        usage: "import FILE [options]", positionals: ["FILE"], minPositionals: 1,
        options: CommonOptions.input + CommonOptions.validation + APIOptions.location + [
            .value("match-by", "email|customFieldN|none",
                   "match rows without an id to existing resources by e-mail or by a custom field holding a stable key (default email)"),
            .value("chunk-size", "N", "resources per bulk call, 1-100 (default 100)"),
            .value("missing", "ignore|report|delete",
                   "resources no row matches: leave them, report them (default), or soft-delete them (needs --match-by customFieldN)"),
            .value("max-deletes", "N|P%", "delete nothing when more resources than this are missing (default 5% of those with the key)"),
            .flag("send-unchanged", "send every matched row, even one whose given fields all equal the resource's"),
        ] + APIOptions.requests + [
            .flag("dry-run", "validate and match, but change nothing; statuses become would-create / would-update"),
            .value("journal", "PATH", "the crash journal (default: the report path + .journal)"),
            .flag("resume", "finish an interrupted run of the same file, sending nothing twice"),
        ] + CommonOptions.report,
        discussion: """
        Exit codes: 0 every row succeeded, 1 some rows invalid or failed, or more resources missing
        than --max-deletes allows (see the report), 2 usage or input error, or another import
        holding the same tenant and location (nothing sent), 3 the run stopped (credentials, API unreachable;
        --resume continues it), 130 interrupted (--resume continues it).
        """)

    static func run(_ args: ParsedArguments) async throws -> Int32 {
        let path = args.positionals[0]
        let inputOptions = try CommonOptions.inputOptions(args)
        var validation = try CommonOptions.validationOptions(args)
        let settings = try CommonOptions.reportSettings(args, input: path, inputFormat: inputOptions.format)
        let hosting = try CommonOptions.hostingClassifier(args, policy: validation.hostingPolicy, input: path, quiet: settings.quiet)
        var options = ImportOptions(reportPath: settings.path, errorsPath: settings.errorsPath)
        options.chunkSize = try args.integer("chunk-size", in: 1...100) ?? 100
        options.concurrency = try args.integer("concurrency", in: 1...64) ?? 4
        let matchBy = args.value("match-by") ?? "email"
        guard let match = ImportOptions.MatchBy(rawValue: matchBy) else {
            throw UsageError("--match-by must be email, none or customField1 … customField10, not '\(matchBy)'", command: "import")
        }
        options.matchBy = match
        options.missing = MissingPolicy(rawValue: try args.choice("missing", MissingPolicy.allCases.map(\.rawValue)) ?? "report")!
        if options.missing == .delete && match.customField == nil {
            throw UsageError("--missing delete needs --match-by customFieldN: only resources carrying that key are managed by the file",
                             command: "import")
        }
        if let text = args.value("max-deletes") {
            guard let limit = DeleteLimit(text: text) else {
                throw UsageError("--max-deletes must be a number or a percentage (like 5%), not '\(text)'", command: "import")
            }
            options.maxDeletes = limit
        }
        options.dryRun = args.flag("dry-run")
        options.sendUnchanged = args.flag("send-unchanged")
        options.resume = args.flag("resume")
        options.reportFormat = settings.format
        options.excel = settings.excel
        if options.dryRun && options.resume { throw UsageError("--dry-run sends nothing, so there is nothing to --resume", command: "import") }
        if !options.dryRun {
            if path == "-" && options.resume { throw UsageError("standard input cannot be resumed; import from a file", command: "import") }
            options.journalPath = args.value("journal") ?? (settings.path == "-" ? ReportPaths.report(forInput: path, format: .csv) : settings.path) + ".journal"
        }
        try CommonOptions.checkOutputPaths(input: path, settings: settings, journal: options.journalPath)
        let input = try OpenedInput(path: path, options: inputOptions)
        CommonOptions.warnUnmapped(input.source, quiet: settings.quiet)
        // Exit code 2 promises that nothing was sent: find a broken line before the first request.
        if !options.dryRun { try input.checkWholeFile() }

        let connection = try APIOptions.connect(args, concurrency: options.concurrency)
        defer { connection.close() }
        if let url = connection.emulator?.baseURL, !settings.quiet {
            Console.line("resource-batch: using the built-in emulator at \(url.absoluteString) (data in .resource-batch/emulator/)")
        }
        // One run per tenant and location on this machine, whatever its journal (cli.md, Sync).
        let tenantLock = options.dryRun ? nil : try TenantLock(
            apiURL: connection.client.endpoint.apiURL, clientId: connection.clientId, locationId: validation.locationId)
        defer { tenantLock?.release() }
        let stop = StopSignal()
        connection.client.stopWaiting { stop.isStopped }
        let trap = SignalTrap(stop: stop, quiet: settings.quiet)
        defer { trap.cancel() }
        // The API's own list of time zones, read once (cli.md, Validation); the built-in copy of
        // the Windows zone ids only when the API answers no list.
        do {
            let zones = try await connection.client.timeZones()
            if !zones.isEmpty { validation.timeZones = TimeZoneTable(entries: zones) }
        } catch let error as OnSchedError where error.kind == .http || error.kind == .invalidResponse {
            if !settings.quiet { Console.warning("the API lists no time zones (\(error.message)); checking against the built-in list") }
        } catch where stop.current == .interrupted {
            Console.error("interrupted; nothing was sent")
            return ExitStatus.interrupted
        } catch {
            // Credentials rejected, API unreachable: the first request of the run, so nothing was sent.
            let status = ExitStatus.of(error)
            Console.error(status.message + "; nothing was sent")
            return status.code
        }
        let job = ImportJob(options: options, validation: validation, client: connection.client, stop: stop)
        let journal = try job.openJournal(inputPath: path)
        if let journal, !settings.quiet {
            switch journal.start {
            case .fresh: break
            case .resumed(let explicit):
                Console.line("resource-batch: \(explicit ? "resuming" : "finishing the interrupted run of this file"): "
                    + "\(journal.replay.finished.count) rows already done, \(journal.replay.uncertainCreates.count) creates to look up first")
            case .setAside(let aside, let reason):
                Console.line("resource-batch: the journal of an interrupted run was set aside as \(aside) (\(reason))")
            }
        }
        if let old = journal?.setAside, !old.uncertainCreates.isEmpty {
            let settled = await job.settle(old)
            if !settings.quiet {
                Console.line("resource-batch: of its \(old.uncertainCreates.count) creates whose answer was lost, \(settled.found) exist"
                    + " (tonight's run updates them), \(settled.absent) were never made"
                    + (settled.unknown > 0 ? ", \(settled.unknown) could not be looked up (the tenant listing decides)" : ""))
            }
        }
        let display = ProgressDisplay(quiet: settings.quiet, verb: options.dryRun ? "checked" : "imported")
        let result = await job.run(input: input, hosting: hosting, journal: journal, progress: display.handler)
        display.finish()
        if case .jsonl = input.source.format { CommonOptions.warnUnmapped(input.source, quiet: settings.quiet) }
        var outcome = result.outcome
        var summary = result.summary
        let noRecords = outcome.stop == nil ? CommonOptions.checkNoRecords(input, args, quiet: settings.quiet) : nil
        // The summary JSON is the run's last output: the journal is ended only once it is written,
        // so a summary that cannot be written leaves the run resumable like any other output.
        func decide() {
            let keeps = journal?.keeps(finished: outcome.stop == nil, sentWrites: outcome.sentWrites) == true
            let status = ExitStatus.of(outcome, journal: keeps ? journal?.journal.path : nil, resumable: path != "-")
            summary.stoppedBecause = status.stoppedBecause
            summary.exitCode = status.code
            if status.stoppedBecause == nil, let noRecords { summary.exitCode = noRecords }
        }
        decide()
        do {
            try SummaryPrinter.writeJSON(summary, to: settings.summaryJSON, afterWrites: outcome.sentWrites)
        } catch let error as OutputWriteError {
            if outcome.stop == nil { outcome.stop = .output(path: error.path, reason: error.reason) }
            decide()
        }
        journal?.end(finished: outcome.stop == nil, sentWrites: outcome.sentWrites)
        SummaryPrinter.print(summary, quiet: settings.quiet)
        // Why a run stopped is an error, said even with --quiet (the summary says it otherwise).
        if settings.quiet, let why = summary.stoppedBecause { Console.error(why) }
        return summary.exitCode
    }
}
