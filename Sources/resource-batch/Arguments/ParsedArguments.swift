/// The options and positional arguments of one call, checked against its `CommandSpec`.
struct ParsedArguments {
    let command: CommandSpec
    private(set) var values: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []
    private(set) var wantsHelp = false

    /// Parses `--name value`, `--name=value`, flags, `--` and `-` (standard input) as a positional.
    init(_ arguments: [String], command: CommandSpec) throws {
        self.command = command
        var i = 0
        var onlyPositionals = false
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if onlyPositionals || arg == "-" || !arg.hasPrefix("-") {
                positionals.append(arg)
                continue
            }
            if arg == "--" {
                onlyPositionals = true
                continue
            }
            if arg == "-h" || arg == "--help" {
                wantsHelp = true
                continue
            }
            guard arg.hasPrefix("--") else {
                throw UsageError("unknown option '\(arg)' (options are spelled --name)", command: command.name)
            }
            var name = String(arg.dropFirst(2))
            var inline: String?
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let spec = command.options.first(where: { $0.name == name }) else {
                throw UsageError("unknown option '--\(name)' for '\(command.name)'" + Self.suggestion(name, command), command: command.name)
            }
            if spec.value == nil {
                if inline != nil { throw UsageError("--\(name) takes no value", command: command.name) }
                flags.insert(name)
                continue
            }
            let value: String
            if let inline {
                value = inline
            } else {
                guard i < arguments.count else { throw UsageError("--\(name) needs a value (\(spec.value!))", command: command.name) }
                value = arguments[i]
                i += 1
            }
            if !spec.repeatable, values[name] != nil {
                throw UsageError("--\(name) is given twice", command: command.name)
            }
            values[name, default: []].append(value)
        }
        if wantsHelp { return }
        if positionals.count > command.positionals.count {
            let extra = positionals[command.positionals.count...].map { "'\($0)'" }.joined(separator: ", ")
            throw UsageError("unexpected argument \(extra)", command: command.name)
        }
        if positionals.count < command.minPositionals {
            throw UsageError("missing \(command.positionals[positionals.count])", command: command.name)
        }
    }

    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The value parsed as an integer within `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let n = Int(text), range.contains(n) else {
            throw UsageError("--\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'", command: command.name)
        }
        return n
    }

    /// The value parsed as a positive number.
    func number(_ name: String, min: Double = 0, orZero: Bool = false) throws -> Double? {
        guard let text = value(name) else { return nil }
        guard let d = Double(text), d.isFinite, orZero ? d >= min : d > min else {
            throw UsageError("--\(name) must be a number greater than \(min == 0 ? "0" : String(min)), not '\(text)'", command: command.name)
        }
        return d
    }

    /// The value, which must be one of `choices`.
    func choice(_ name: String, _ choices: [String]) throws -> String? {
        guard let text = value(name) else { return nil }
        guard choices.contains(text) else {
            throw UsageError("--\(name) must be one of \(choices.joined(separator: ", ")), not '\(text)'", command: command.name)
        }
        return text
    }

    static func suggestion(_ name: String, _ command: CommandSpec) -> String {
        let best = command.options.map { ($0.name, editDistance($0.name, name)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, name.count / 3) else { return "" }
        return "; did you mean '--\(best.0)'?"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
