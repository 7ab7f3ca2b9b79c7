/// `resource-batch completion bash|zsh|fish`: prints a completion script for the shell.
enum CompletionCommand {
    static let spec = CommandSpec(
        name: "completion", summary: "Print a shell completion script (bash, zsh or fish) to standard output.",
        usage: "completion bash|zsh|fish", positionals: ["SHELL"], minPositionals: 1, options: [],
        discussion: "bash: resource-batch completion bash > /usr/local/share/bash-completion/completions/resource-batch")

    static func run(_ args: ParsedArguments) async throws -> Int32 {
        let shell = args.positionals[0]
        guard let script = ShellCompletion.script(for: shell, commands: ResourceBatchCLI.allSpecs) else {
            throw UsageError("unknown shell '\(shell)': completion is written for \(ShellCompletion.shells.joined(separator: ", "))", command: "completion")
        }
        print(script, terminator: "")
        return 0
    }
}
