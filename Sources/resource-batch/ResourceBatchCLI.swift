import BatchCore
import CSVCodec
import Foundation

/// The command line: finds the command, runs it, and turns any error into a message and an exit
/// code (cli.md: 2 usage or input, 3 the run stopped, 130 interrupted).
enum ResourceBatchCLI {
    static let version = "0.1.0"

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
    ]

    static func main(_ arguments: [String]) async -> Int32 {
        guard let first = arguments.first else {
            Console.write(overview)
            return 2
        }
        switch first {
        case "--help", "-h":
            print(overview, terminator: "")
            return 0
        case "--version", "version":
            print("resource-batch \(version)")
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
            return try await command.run(args)
        } catch {
            let (message, code) = describe(error)
            Console.error(message)
            return code
        }
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
            "Credentials come from ONSCHED_CLIENT_ID and ONSCHED_CLIENT_SECRET; --emulator needs none.",
            "Try: resource-batch import samples/resources.csv --emulator",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
