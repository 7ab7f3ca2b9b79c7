/// A mistake in how the command was called: exit code 2, nothing sent.
struct UsageError: Error, CustomStringConvertible {
    var message: String
    /// The command whose help the message should point to.
    var command: String?

    init(_ message: String, command: String? = nil) {
        self.message = message
        self.command = command
    }

    var description: String {
        guard let command else { return message + "\nsee 'resource-batch --help'" }
        return message + "\nsee 'resource-batch help \(command)'"
    }
}
