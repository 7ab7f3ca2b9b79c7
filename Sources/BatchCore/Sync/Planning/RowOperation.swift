import BatchModel

/// What the import does with one row: create a new resource, or update the resource with `id`
/// (given in the input or found by matching the e-mail).
public enum RowOperation: Sendable, Hashable {
    case create
    case update(id: String)

    /// The bulk call this operation travels in.
    public var kind: ChunkKind {
        switch self {
        case .create: .create
        case .update: .update
        }
    }
}
