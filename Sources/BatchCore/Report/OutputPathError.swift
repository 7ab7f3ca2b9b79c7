
/// Why an output path of a run is refused before anything is sent.
///
/// Every case names the output by its role ("the report", "the journal", …: chosen by the caller),
/// the path as given, and the fact that makes it unsafe, so the message stands on its own.
public enum OutputPathError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path is a symbolic link (`dangling` when its target does not exist): writing through it
    /// would truncate or create a file somewhere else.
    case symbolicLink(role: String, path: String, target: String, dangling: Bool)
    /// The output is the input file, however its path is spelled.
    case sameAsInput(role: String, path: String, input: String)
    /// Two outputs of one run are the same file: one would overwrite the other.
    case sameFile(role: String, path: String, otherRole: String, otherPath: String)
    /// The folder the output would be created in does not exist (or is not a folder).
    case noDirectory(role: String, path: String, directory: String)
    /// The output cannot be created or written: `reason` is the system's word for why.
    case notWritable(role: String, path: String, reason: String)
    /// The path names a folder, not a file.
    case isDirectory(role: String, path: String)
    /// The path names something that is neither a regular file nor a device (a FIFO, a socket).
    case notAFile(role: String, path: String)
    /// The file has other names (hard links): writing it would change a file elsewhere.
    case hardLinked(role: String, path: String, links: Int)

    public var description: String {
        switch self {
        case let .symbolicLink(role, path, target, dangling):
            let what = dangling ? "a dangling symbolic link (to \(target), which does not exist)" : "a symbolic link (to \(target))"
            return "\(role) \(path) is \(what); outputs are never written through a link: remove it or name another path"
        case let .sameAsInput(role, path, input):
            return "\(role) \(path) is the input file \(input); name another path, the input is never overwritten"
        case let .sameFile(role, path, otherRole, otherPath):
            return "\(role) \(path) and \(otherRole) \(otherPath) are the same file; give them different paths"
        case let .noDirectory(role, path, directory):
            return "cannot write \(path) (\(role)): the folder \(directory) does not exist"
        case let .notWritable(role, path, reason):
            return "cannot write \(path) (\(role)): \(reason)"
        case let .isDirectory(role, path):
            return "\(role) \(path) is a folder; name a file"
        case let .notAFile(role, path):
            return "\(role) \(path) is not a regular file (a FIFO or a socket); name a file"
        case let .hardLinked(role, path, links):
            return "\(role) \(path) has \(links) hard links: writing it would change the same file under its other names; remove it or name another path"
        }
    }
}
