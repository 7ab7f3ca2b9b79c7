/// What a job is busy with, so a progress line can name it: a run that reads a large tenant for
/// half a minute must say so rather than look frozen. (Waiting for the rate limit or a retry is
/// told separately, by the client's ``WaitNotice``s, since any phase may wait.)
public enum JobPhase: String, Sendable, Hashable {
    /// Nothing reported yet.
    case starting
    /// Listing the tenant's resources before rows can be matched (import).
    case readingTenant
    /// Reading and checking input rows, sending nothing (validate, import --dry-run).
    case validating
    /// Sending chunks to the API and writing the report (import).
    case sending
    /// Listing the tenant page by page and writing what comes (export, auth-links).
    case listing
    /// Asking the calendar/auth endpoint for the links the listing did not carry (auth-links).
    case fetchingLinks
}
