
/// A row's outcome: the report's `status` column.
public enum RowStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case created, updated
    case wouldCreate = "would-create"
    case wouldUpdate = "would-update"
    case valid, invalid, failed, skipped

    /// Rows with these statuses go to the errors file and make the exit code 1.
    public var isFailure: Bool { self == .invalid || self == .failed }
}
