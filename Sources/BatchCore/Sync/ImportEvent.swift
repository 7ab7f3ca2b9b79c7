import BatchModel

/// Something that happened to an import: the input, the tenant, the API or an output. The driver
/// turns every result of an ``ImportAction``, failures included, into one of these and hands it to
/// ``ImportCore``, so nothing ever waits for an answer that cannot come.
public enum ImportEvent: Sendable {
    /// The tenant's resources, read for matching.
    case tenantRead(TenantIndex)
    /// The tenant could not be read.
    case tenantFailed(String)
    /// The next validated rows, in input order.
    case rowsRead([ImportRow])
    /// The input has no more rows.
    case inputEnded
    /// The input broke after reading began.
    case inputFailed(String)
    /// The intent line of a create chunk is durable: the chunk may be sent.
    case intentWritten(ticket: Int)
    /// The bulk call answered, with the links fetched for resources that came without one.
    case answered(ticket: Int, [AnsweredResource])
    /// The bulk call failed.
    case sendFailed(ticket: Int, SendFailure)
    /// The rows of a create whose answer was lost, looked up: row number → the resource found.
    /// Rows absent from the dictionary do not exist.
    case lookedUp(ticket: Int, found: [Int: AnsweredResource])
    /// The resource of a `delete` action is soft-deleted.
    case deleted(ticket: Int)
    /// The resource of a `recover` action is live again (as the API answered it, when it did).
    case recovered(ticket: Int, Resource?)
    /// The outcomes of a ticket are durable in the journal.
    case outcomesRecorded(ticket: Int)
    /// A journal line could not be written (for `ticket`, when it was a ticket's line).
    case journalFailed(ticket: Int?, path: String, reason: String)
    /// The report or the errors file could not be written.
    case reportFailed(path: String, reason: String)
    /// A signal, or anything else outside the core, asks the run to stop.
    case stopRequested(ImportStop)
    /// The access token of a `refreshCredentials` action is renewed.
    case credentialsRefreshed
    /// The token endpoint gave no new token (the credentials rejected, or unreachable after retries).
    case credentialsRefreshFailed(String)
}

/// How a bulk call failed, as far as the core must know.
public enum SendFailure: Sendable, Equatable {
    /// The API refused the data (a 4xx other than 401, 408 and 429): the chunk is split until the
    /// bad rows are alone.
    case refused(String)
    /// A create's answer was lost after the request may have reached the API.
    case mayHaveBeenApplied(String)
    /// The API refused the access token (401): nothing was applied, so the work is sent again
    /// after the core has had the token renewed.
    case unauthorized(String)
    /// Going on is pointless: credentials rejected, API unreachable after retries, a worker died.
    case fatal(String)
    /// The run is stopping and the request never went out: it was waiting for the rate limit or
    /// for a retry after a failure that applied nothing (a create is never retried after one that
    /// may have). The work is left unsent, as if it had never been dispatched.
    case notSent(String)
}
