/// What a run does with the tenant's resources that no input row matches (cli.md, Sync: leavers).
public enum MissingPolicy: String, Sendable, CaseIterable {
    /// Nothing: they are neither reported nor touched.
    case ignore
    /// Reported as `missing` rows after the input rows, untouched.
    case report
    /// Soft-deleted (`deleted`), within the delete limit; only resources carrying the match key.
    case delete
}
