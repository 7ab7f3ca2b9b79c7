import BatchCore

/// `resource-batch validate FILE`: check every row, send nothing, write the report.
enum ValidateCommand {
    static let spec = CommandSpec(
        name: "validate", summary: "Check FILE without sending anything; write the same report as import.",
        usage: "validate FILE [options]", positionals: ["FILE"], minPositionals: 1,
        options: CommonOptions.input + CommonOptions.validation + CommonOptions.report,
        discussion: "Exit codes: 0 every row valid, 1 some rows invalid (see the report), 2 usage or input error.")

    static func run(_ args: ParsedArguments) async throws -> Int32 {
        let path = args.positionals[0]
        let inputOptions = try CommonOptions.inputOptions(args)
        let validation = try CommonOptions.validationOptions(args)
        let settings = try CommonOptions.reportSettings(args, input: path, inputFormat: inputOptions.format)
        try CommonOptions.checkOutputPaths(input: path, settings: settings, journal: nil)
        let hosting = try CommonOptions.hostingClassifier(args, policy: validation.hostingPolicy, input: path, quiet: settings.quiet)
        let input = try OpenedInput(path: path, options: inputOptions)
        CommonOptions.warnUnmapped(input.source, quiet: settings.quiet)
        let display = ProgressDisplay(quiet: settings.quiet, verb: "validated", phase: .validating)
        let job = ValidateJob(
            input: input, options: validation, hosting: hosting, reportPath: settings.path, reportFormat: settings.format,
            excel: settings.excel, errorsPath: settings.errorsPath, progress: display.handler)
        var summary = try await job.run()
        display.finish()
        if case .jsonl = input.source.format { CommonOptions.warnUnmapped(input.source, quiet: settings.quiet) }
        if summary.stoppedBecause == nil, let code = CommonOptions.checkNoRecords(input, args, quiet: settings.quiet) {
            summary.exitCode = code
        }
        SummaryPrinter.print(summary, quiet: settings.quiet)
        try SummaryPrinter.writeJSON(summary, to: settings.summaryJSON)
        return summary.exitCode
    }
}
