/// `resource-batch man`: prints the manual page in troff, as `make release` installs it
/// (`resource-batch man | man -l -` reads it without installing).
enum ManCommand {
    static let spec = CommandSpec(
        name: "man", summary: "Print the manual page (troff) to standard output.",
        usage: "man", options: [],
        discussion: "Read it without installing: resource-batch man | man -l -")

    static func run(_ args: ParsedArguments) async throws -> Int32 {
        print(ManPage.render(commands: ResourceBatchCLI.allSpecs), terminator: "")
        return 0
    }
}
