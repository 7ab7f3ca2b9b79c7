import BatchModel
import BatchJournal

/// What ``ImportCore`` asks its driver to do. Each action with a ticket is answered by exactly one
/// event with the same ticket; `readRows` and `loadTenant` by one input or tenant event.
public enum ImportAction: Sendable, Equatable {
    /// Read the tenant's resources (for matching rows to them).
    case loadTenant
    /// Read and validate the next rows of the input.
    case readRows
    /// Append (and sync) the intent line of a create chunk before it is sent.
    case writeIntent(ticket: Int, JournalIntent)
    /// Send the chunk through its bulk call.
    case send(ticket: Int, Chunk)
    /// Look up, by e-mail and location, rows whose create may have happened.
    case lookUp(ticket: Int, [PlannedRow])
    /// Append (and sync) the outcomes of sent rows.
    case recordOutcomes(ticket: Int, [JournalRowOutcome])
    /// Soft-delete a resource no input row matches (answered by `deleted` or `sendFailed`).
    case delete(ticket: Int, id: String)
    /// Recover a soft-deleted resource a row matches (answered by `recovered` or `sendFailed`).
    case recover(ticket: Int, id: String, ReturnURLs)
    /// Renew the access token after the API refused it (answered by `credentialsRefreshed` or
    /// `credentialsRefreshFailed`). No write is sent until it is answered.
    case refreshCredentials
    /// Write these finished rows, in input order, to the report (and the failures to the errors file).
    case writeReport([ImportRow])
    /// The run is over.
    case finish(ImportOutcome)
}
