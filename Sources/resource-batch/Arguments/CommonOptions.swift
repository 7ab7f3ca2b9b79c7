import BatchCore
import CSVCodec
import Foundation

/// Option groups that several commands share, and how they turn into library settings.
enum CommonOptions {
    static let input: [OptionSpec] = [
        .value("format", "csv|jsonl|xlsx", "input format (default: from the file's extension)"),
        .value("sheet", "NAME", "the sheet of an .xlsx input (default: the first visible sheet)"),
        .value("delimiter", "C", "CSV delimiter: , ; tab | (default: detected from the header line)"),
        .value("encoding", "ENC", "utf-8, latin1 or windows-1252 (default utf-8)"),
        .value("map", "FILE|'Column=field'", "map a column to a field; FILE is a CSV of column,field", repeatable: true),
    ]

    static let validation: [OptionSpec] = [
        .value("google-return-url", "URL", "where people land after authorizing Google (rows may give their own)"),
        .value("outlook-return-url", "URL", "where people land after authorizing Outlook (rows may give their own)"),
        .value("hosting-check", "strict|warn|off", "check that calendar ids are hosted by Google / Microsoft (default strict)"),
        .value("dns-server", "IP[:PORT]", "DNS server for MX lookups (default: /etc/resolv.conf)"),
        .value("domain-hosting", "FILE", "CSV of domain,provider (google|microsoft|other) answering without DNS (default: domain-hosting.csv beside FILE, if there)"),
        .value("location-id", "ID", "location of new resources and of lookups (default: the primary location)"),
    ]

    static let report: [OptionSpec] = [
        .value("report", "PATH", "the report (default: the input with .report.csv; - for standard output)"),
        .value("report-format", "csv|jsonl|xlsx", "report format (default csv, or from --report's extension); xlsx is a workbook to email"),
        .flag("excel", "add a UTF-8 byte order mark to CSV so Excel reads it right"),
        .value("errors", "PATH", "rows that failed, as in the input plus an error column (default: the input with .errors.csv)"),
        .value("summary-json", "PATH", "also write the summary as JSON"),
        .flag("allow-empty", "accept an input without records (exit 0) instead of failing with exit 2"),
        .flag("quiet", "print no progress and no summary"),
    ]

    static func inputOptions(_ args: ParsedArguments) throws -> InputOptions {
        var options = InputOptions()
        if let format = try args.choice("format", ["csv", "jsonl", "tsv", "ndjson", "xlsx"]) {
            options.format = format == "xlsx" ? .xlsx
                : (format == "jsonl" || format == "ndjson") ? .jsonl : .csv(delimiter: format == "tsv" ? 9 : nil)
        }
        options.sheet = args.value("sheet")
        if let d = args.value("delimiter") {
            switch d {
            case "tab", "\\t", "\t", "TAB": options.delimiter = 9
            default:
                guard d.utf8.count == 1, let b = d.utf8.first, b != 0x22, b != 0x0A, b != 0x0D else {
                    throw UsageError("--delimiter must be one character such as , ; | or the word tab, not '\(d)'", command: args.command.name)
                }
                options.delimiter = b
            }
        }
        if let e = try args.choice("encoding", ["utf-8", "utf8", "latin1", "latin-1", "iso-8859-1", "windows-1252", "cp1252"]) {
            switch e {
            case "latin1", "latin-1", "iso-8859-1": options.encoding = .latin1
            case "windows-1252", "cp1252": options.encoding = .windows1252
            default: options.encoding = .utf8
            }
        }
        for spec in args.all("map") {
            if FileManager.default.fileExists(atPath: spec) || !spec.contains("=") {
                try loadMapFile(spec, into: &options.overrides)
            } else {
                try options.overrides.add(inline: spec)
            }
        }
        return options
    }

    /// Reads a `column,field` CSV (a header line naming those two columns is optional).
    static func loadMapFile(_ path: String, into overrides: inout MappingOverrides) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError.badMapping(source: "--map \(path)", reason: "no such file (an inline mapping is written 'Column=field')")
        }
        let reader: CSVReader
        do { reader = try CSVReader(path: path) } catch {
            throw InputError.badMapping(source: path, reason: "\(error)")
        }
        do {
            while let record = try reader.next() {
                let fields = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
                if fields.allSatisfy(\.isEmpty) { continue }
                if record.number == 1, fields.count >= 2, fields[0].lowercased() == "column", fields[1].lowercased() == "field" { continue }
                guard fields.count == 2 else {
                    throw InputError.badMapping(source: "\(path): line \(record.line)", reason: "expected two columns, column,field")
                }
                try overrides.add(column: fields[0], field: fields[1], source: "\(path): line \(record.line)")
            }
        } catch let error as CSVError {
            throw InputError.badMapping(source: path, reason: "\(error)")
        }
    }

    static func validationOptions(_ args: ParsedArguments) throws -> ValidationOptions {
        var options = ValidationOptions()
        options.locationId = args.value("location-id")
        for (name, keyPath) in [("google-return-url", \ReturnURLs.google), ("outlook-return-url", \ReturnURLs.outlook)] {
            guard let url = args.value(name) else { continue }
            if let problem = ResourceValidator.returnURLProblem(url) {
                throw UsageError("--\(name) '\(url)' \(problem)", command: args.command.name)
            }
            options.returnURLs[keyPath: keyPath] = url
        }
        if let policy = try args.choice("hosting-check", ["strict", "warn", "off"]) {
            options.hostingPolicy = HostingPolicy(rawValue: policy)!
        }
        return options
    }

    /// The classifier the options ask for: the `--domain-hosting` table, then DNS.
    ///
    /// Without `--domain-hosting`, a `domain-hosting.csv` beside the input is used (and named on
    /// standard error), so a team keeps its table of company domains next to its HR exports.
    static func hostingClassifier(_ args: ParsedArguments, policy: HostingPolicy, input: String? = nil, quiet: Bool = false) throws -> HostingClassifier? {
        guard policy != .off else { return nil }
        var table: DomainHostingTable?
        var tablePath = args.value("domain-hosting")
        if tablePath == nil, let input, input != "-" {
            let sibling = (input as NSString).deletingLastPathComponent
            let candidate = (sibling.isEmpty ? "." : sibling) + "/domain-hosting.csv"
            if FileManager.default.fileExists(atPath: candidate) {
                tablePath = candidate
                if !quiet { Console.line("resource-batch: using \(candidate) for company domains (--domain-hosting FILE chooses another)") }
            }
        }
        if let path = tablePath {
            do { table = try DomainHostingTable(contentsOf: path) } catch {
                throw InputError.badMapping(source: "--domain-hosting", reason: "\(error)")
            }
        }
        var configuration = ResolverConfiguration.system()
        if let server = args.value("dns-server") {
            do { configuration.servers = [try DNSServerAddress(parsing: server)] } catch {
                throw UsageError("--dns-server '\(server)': \(error)", command: args.command.name)
            }
        }
        return HostingClassifier(resolver: DNSClient(configuration: configuration), table: table)
    }

    struct ReportSettings {
        var path: String
        var format: ReportFormat
        var excel: Bool
        var errorsPath: String
        var summaryJSON: String?
        var quiet: Bool
    }

    static func reportSettings(_ args: ParsedArguments, input: String, inputFormat: InputFormat?) throws -> ReportSettings {
        let explicit = try args.choice("report-format", ["csv", "jsonl", "xlsx"]).flatMap(ReportFormat.init(rawValue:))
        let reportPath = args.value("report")
        let format = explicit ?? reportPath.flatMap(ReportFormat.fromExtension) ?? .csv
        let path = reportPath ?? ReportPaths.report(forInput: input, format: format)
        let inFormat = inputFormat ?? InputFormat.fromExtension(input) ?? .csv(delimiter: nil)
        let errors = args.value("errors") ?? ReportPaths.errors(forInput: input, format: inFormat)
        if path != "-", path == input { throw UsageError("--report would overwrite the input \(input)", command: args.command.name) }
        if errors == input { throw UsageError("--errors would overwrite the input \(input)", command: args.command.name) }
        // Both are truncated when opened: the errors file, created at the first failing row, would wipe the report.
        if errors == path {
            throw UsageError("--errors and --report name the same file (\(path)); give them different paths", command: args.command.name)
        }
        return ReportSettings(path: path, format: format, excel: args.flag("excel"), errorsPath: errors,
                              summaryJSON: args.value("summary-json"), quiet: args.flag("quiet"))
    }

    /// `--force`: what `export` and `auth-links` need to replace a file (cli.md).
    static let force: OptionSpec = .flag("force", "replace the --out file if it exists (otherwise an existing file is an error)")

    /// Refuses, before anything is sent, to replace an existing `--out` file without `--force`: an
    /// export or a list of links is not named after an input, so an existing file of that name is
    /// someone's (the sample `resources.csv`, last week's links). Anything at the path counts,
    /// a symbolic link too, dangling or not.
    static func refuseToReplace(_ path: String, _ args: ParsedArguments) throws {
        guard path != "-", !args.flag("force") else { return }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        throw UsageError("\(path) exists; nothing was sent (pass --force to replace it, or --out another path)", command: args.command.name)
    }

    /// Refuses (exit 2, before anything is sent) an output that is a symbolic link, the input
    /// under another spelling, another output of the run, or a path that cannot be written:
    /// the report, the errors file, the summary, and for import the journal and its lock.
    static func checkOutputPaths(input: String, settings: ReportSettings, journal: String?) throws {
        var outputs = [OutputPathGuard.Output(role: "the report", path: settings.path),
                       OutputPathGuard.Output(role: "the errors file", path: settings.errorsPath)]
        if let summary = settings.summaryJSON { outputs.append(.init(role: "the summary", path: summary)) }
        if let journal {
            outputs.append(.init(role: "the journal", path: journal))
            outputs.append(.init(role: "the journal's lock file", path: journal + ".lock"))
        }
        try OutputPathGuard.check(input: input, outputs: outputs)
    }

    /// ``checkOutputPaths(input:settings:journal:)`` for `export` and `auth-links`: `--out` and
    /// `--summary-json`.
    static func checkOutputPaths(out: String, summaryJSON: String?) throws {
        var outputs = [OutputPathGuard.Output(role: "the output", path: out)]
        if let summaryJSON { outputs.append(.init(role: "the summary", path: summaryJSON)) }
        try OutputPathGuard.check(input: nil, outputs: outputs)
    }

    /// Names unmapped columns once, as cli.md asks: the first `maxNamed` of them, each cut to a
    /// readable length, so that a 5,000-column sheet (or a header cell holding a whole file) gives
    /// one readable line instead of tens of kilobytes.
    static func warnUnmapped(_ source: any RecordSource, quiet: Bool) {
        let unmapped = source.unmappedColumns
        guard !unmapped.isEmpty, !quiet else { return }
        Console.warning(unmappedWarning(unmapped))
    }

    static let maxNamed = 20

    static func unmappedWarning(_ unmapped: [String]) -> String {
        var names = unmapped.prefix(maxNamed).map { "'\(displayName($0))'" }.joined(separator: ", ")
        if unmapped.count > maxNamed { names += " and \(unmapped.count - maxNamed) more" }
        return "ignoring columns that map to no field: \(names) (map them with --map 'Column=field')"
    }

    /// A column name for a one-line message: control characters as spaces, at most 60 characters.
    static func displayName(_ name: String) -> String {
        var out = String(String.UnicodeScalarView(name.unicodeScalars.prefix(61).map {
            $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? " " : $0
        }))
        if out.unicodeScalars.count > 60 { out = String(String.UnicodeScalarView(out.unicodeScalars.prefix(59))) + "…" }
        return out
    }

    /// An input without records is an input error (exit 2): an HR export that is suddenly empty
    /// usually means the export broke. `--allow-empty` accepts it (a nightly delta may be empty),
    /// with a warning. Returns the exit code to use instead of the run's, if any.
    static func checkNoRecords(_ input: OpenedInput, _ args: ParsedArguments, quiet: Bool) -> Int32? {
        guard let note = input.noRecordsNote else { return nil }
        if args.flag("allow-empty") {
            if !quiet { Console.warning(note) }
            return nil
        }
        Console.error(note + " (pass --allow-empty when an empty file is expected)")
        return 2
    }
}
