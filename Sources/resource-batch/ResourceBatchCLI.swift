import BatchCore
import CSVCodec
import Foundation

/// The command line: finds the command, runs it, and turns any error into a message and an exit
/// code (cli.md: 2 usage or input, 3 the run stopped, 130 interrupted).
enum ResourceBatchCLI {
    static var version: String { BuildInfo.version }

    struct Command: Sendable {
        var spec: CommandSpec
        var run: @Sendable (ParsedArguments) async throws -> Int32
    }

    static let commands: [Command] = [
        Command(spec: ImportCommand.spec, run: ImportCommand.run),
        Command(spec: ValidateCommand.spec, run: ValidateCommand.run),
        Command(spec: ExportCommand.spec, run: ExportCommand.run),
        Command(spec: AuthLinksCommand.spec, run: AuthLinksCommand.run),
        Command(spec: EmulatorCommand.spec, run: EmulatorCommand.run),
        Command(spec: CompletionCommand.spec, run: CompletionCommand.run),
        Command(spec: ManCommand.spec, run: ManCommand.run),
    ]

    /// `help` itself, handled before the commands are looked up; described for the man page and completion.
    static let helpSpec = CommandSpec(
        name: "help", summary: "Show the overview, or every option of COMMAND.", usage: "help [COMMAND]",
        positionals: ["COMMAND"], options: [])

    /// Every command's table: the one source of `help`, the man page and the completion scripts.
    static var allSpecs: [CommandSpec] { commands.map(\.spec) + [helpSpec] }

    /// When this run started (read first thing in `main`), for `--summary-json`.
    static let startedAt = Date()

    static func main(_ arguments: [String]) async -> Int32 {
        _ = startedAt
        guard let first = arguments.first else {
            Console.write(overview)
            return 2
        }
        switch first {
        case "--help", "-h":
            print(overview, terminator: "")
            return 0
        case "--version", "version":
            print("resource-batch \(BuildInfo.versionText)")
            return 0
        case "help":
            guard arguments.count > 1 else {
                print(overview, terminator: "")
                return 0
            }
            guard let command = commands.first(where: { $0.spec.name == arguments[1] }) else {
                Console.error("unknown command '\(arguments[1])'")
                return 2
            }
            print(command.spec.helpText, terminator: "")
            return 0
        default:
            break
        }
        guard let command = commands.first(where: { $0.spec.name == first }) else {
            let names = commands.map(\.spec.name)
            let near = names.min { ParsedArguments.editDistance($0, first) < ParsedArguments.editDistance($1, first) }
            let hint = near.map { ParsedArguments.editDistance($0, first) <= 2 ? "; did you mean '\($0)'?" : "" } ?? ""
            Console.error("unknown command '\(first)'\(hint)\nsee 'resource-batch --help'")
            return 2
        }
        do {
            let args = try ParsedArguments(Array(arguments.dropFirst()), command: command.spec)
            if args.wantsHelp {
                print(command.spec.helpText, terminator: "")
                return 0
            }
            logStart(command.spec.name, args)
            return try await command.run(args)
        } catch {
            let (message, code) = describe(error)
            Console.error(message)
            return code
        }
    }

    /// The commands that do a job, whose log opens with a start line.
    static let loggedCommands: Set<String> = ["import", "validate", "export", "auth-links"]

    /// The start line of a log (only when standard error is not a terminal): the build, the
    /// command, its input and the API host it will use, so a cron log shows what ran against
    /// what even when the run fails at once.
    static func logStart(_ command: String, _ args: ParsedArguments) {
        guard loggedCommands.contains(command) else { return }
        let host: String?
        if command == "validate" {
            host = nil
        } else if args.flag("emulator") {
            host = "the built-in emulator"
        } else {
            host = (try? APIOptions.resolveEndpoint(args))?.apiURL.absoluteString ?? "(not resolved: see below)"
        }
        Console.startLine(command: command, input: args.positionals.first, apiHost: host, quiet: args.flag("quiet"))
    }

    /// An error's message and exit code (``ExitStatus`` decides both).
    static func describe(_ error: any Error) -> (String, Int32) {
        let status = ExitStatus.of(error)
        return (status.message, status.code)
    }

    static var overview: String {
        var lines = [
            "resource-batch \(version): bulk import and export of OnSched resources",
            "",
            "usage: resource-batch COMMAND [options]",
            "",
            "commands:",
        ]
        for c in commands { lines.append("  " + c.spec.name.padding(toLength: 12, withPad: " ", startingAt: 0) + c.spec.summary) }
        lines += [
            "  help        help COMMAND shows a command's options",
            "",
            "Credentials come from ONSCHED_CLIENT_ID and ONSCHED_CLIENT_SECRET (or ONSCHED_CLIENT_SECRET_FILE);",
            "--emulator needs none. resource-batch --version names the version and the commit.",
            "Try: resource-batch import samples/resources.csv --emulator",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
