/// One option a command accepts.
struct OptionSpec: Sendable {
    /// Long name without dashes: `report` for `--report`.
    var name: String
    /// Placeholder in help (`PATH`); `nil` for a flag that takes no value.
    var value: String?
    var help: String
    var repeatable = false

    static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, value: nil, help: help)
    }

    static func value(_ name: String, _ placeholder: String, _ help: String, repeatable: Bool = false) -> OptionSpec {
        OptionSpec(name: name, value: placeholder, help: help, repeatable: repeatable)
    }
}

/// A command's name, help text, positional arguments and options.
struct CommandSpec: Sendable {
    var name: String
    var summary: String
    var usage: String
    var positionals: [String] = []
    var minPositionals = 0
    var options: [OptionSpec]
    var discussion: String = ""

    /// The text of `resource-batch help COMMAND`.
    var helpText: String {
        var lines = ["usage: resource-batch \(usage)", "", summary]
        if !discussion.isEmpty { lines += ["", discussion] }
        lines += ["", "options:"]
        let rendered = options.map { o in ("  --\(o.name)" + (o.value.map { " \($0)" } ?? ""), o.help + (o.repeatable ? " (repeatable)" : "")) }
        let width = min(34, (rendered.map(\.0.count).max() ?? 0) + 2)
        for (left, right) in rendered + [("  -h, --help", "show this help")] {
            let pad = left.count < width ? String(repeating: " ", count: width - left.count) : "\n" + String(repeating: " ", count: width)
            lines.append(left + pad + right)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
