/// The kind of the JSON value that starts at a ``JSONScanner``'s position, told by its first
/// byte alone (`{`, `[`, `"`, a digit or `-`, `t`, `f`, `n`), so a reader can choose how to read
/// it before reading it.
public enum JSONKind: Sendable, Equatable {
    case object
    case array
    case string
    case number
    case bool
    case null
}
