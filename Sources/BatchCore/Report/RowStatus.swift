
/// A row's outcome: the report's `status` column.
public enum RowStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case created, updated
    /// Matched, and every given field already equals the resource's: nothing was sent.
    case unchanged
    /// A deleted resource brought back (and updated where it differed).
    case recovered
    /// A resource no input row matches, soft-deleted.
    case deleted
    /// A resource no input row matches, reported and left alone.
    case missing
    case wouldCreate = "would-create"
    case wouldUpdate = "would-update"
    case wouldDelete = "would-delete"
    case wouldRecover = "would-recover"
    case valid, invalid, failed, skipped

    /// Rows with these statuses go to the errors file and make the exit code 1.
    public var isFailure: Bool { self == .invalid || self == .failed }
}
