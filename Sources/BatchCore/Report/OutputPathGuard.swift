
/// Refuses, before a run sends anything, every output path that could destroy data or leak it:
/// a symbolic link (followed, it would truncate or create a file elsewhere, which matters when the
/// tool runs as root in a shared folder), the input file under another spelling, two outputs that
/// are one file, and a path that cannot be written at all.
///
/// Files are compared by device and inode when they exist, and by their resolved folder plus name
/// when they do not (yet). `-` (standard output) is never checked. The decisions
/// (``decide(input:outputs:)``) are pure over ``OutputPathFacts``; ``check(input:outputs:)`` gathers
/// the facts from the file system. The opens themselves refuse links too (``OutputFile``), so a
/// link made after this check is not followed either.
public enum OutputPathGuard {
    /// One output of a run: its role in messages ("the report", "the journal") and its path.
    public struct Output: Sendable, Equatable {
        public var role: String
        public var path: String
        public init(role: String, path: String) {
            self.role = role
            self.path = path
        }
    }

    /// Checks `outputs` against the file system and against `input` (`nil` or `-`: none).
    public static func check(input: String?, outputs: [Output]) throws(OutputPathError) {
        let inputFacts = input.flatMap { $0 == "-" ? nil : ($0, OutputPathFacts.probeInput($0)) }
        let probed = outputs.filter { $0.path != "-" }.map { ($0, OutputPathFacts.probe($0.path)) }
        try decide(input: inputFacts, outputs: probed)
    }

    /// The first problem among `outputs` (in order: each output's own problems, then pairs).
    public static func decide(input: (path: String, facts: OutputPathFacts)?,
                              outputs: [(Output, OutputPathFacts)]) throws(OutputPathError) {
        for (output, facts) in outputs where output.path != "-" {
            if case let .symbolicLink(target, dangling) = facts.kind {
                throw .symbolicLink(role: output.role, path: output.path, target: target, dangling: dangling)
            }
            if let input, facts.kind != .characterDevice, sameFile(input.facts, facts) {
                throw .sameAsInput(role: output.role, path: output.path, input: input.path)
            }
            switch facts.kind {
            case .directory:
                throw .isDirectory(role: output.role, path: output.path)
            case .other:
                throw .notAFile(role: output.role, path: output.path)
            case .missing:
                if output.path.hasSuffix("/") { throw .isDirectory(role: output.role, path: output.path) }
                switch facts.parentProblem {
                case let .missing(directory)?:
                    throw .noDirectory(role: output.role, path: output.path, directory: directory)
                case let .notWritable(directory, reason)?:
                    throw .notWritable(role: output.role, path: output.path, reason: "folder \(directory): \(reason)")
                case nil:
                    break
                }
            case .regular, .characterDevice, .symbolicLink:
                if facts.kind == .regular, facts.linkCount > 1 {
                    throw .hardLinked(role: output.role, path: output.path, links: facts.linkCount)
                }
                if let reason = facts.notWritableReason {
                    throw .notWritable(role: output.role, path: output.path, reason: reason)
                }
            }
        }
        let checked = outputs.filter { $0.0.path != "-" }
        for i in checked.indices {
            for j in checked.indices where j > i {
                // /dev/null may take several outputs: a device is not overwritten.
                if checked[i].1.kind == .characterDevice { continue }
                if sameFile(checked[i].1, checked[j].1) {
                    throw .sameFile(role: checked[j].0.role, path: checked[j].0.path,
                                    otherRole: checked[i].0.role, otherPath: checked[i].0.path)
                }
            }
        }
    }

    /// Same device and inode, or (when either does not exist yet) the same resolved name.
    static func sameFile(_ a: OutputPathFacts, _ b: OutputPathFacts) -> Bool {
        if let x = a.identity, let y = b.identity { return x == y }
        if let x = a.resolvedName, let y = b.resolvedName { return x == y }
        return false
    }
}
