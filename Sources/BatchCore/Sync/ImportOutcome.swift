import BatchReport

/// What an import did, as a value: rows by status, whether any write reached the API, and why it
/// stopped early if it did. The command line alone turns this into text and an exit code.
public struct ImportOutcome: Sendable, Equatable {
    /// Rows by status, counted when their outcome became known (answers that arrive after a
    /// stop are counted too, so the counts match what the API holds).
    public var counts: [RowStatus: Int]
    /// Whether a create or update request was handed to the network: after that, data may have
    /// changed, and a failure is no longer "nothing was sent".
    public var sentWrites: Bool
    /// Set when the run stopped before every row was done.
    public var stop: ImportStop?
    /// Resources that would have been deleted but were not, because there were more than the
    /// delete limit allows (the input may be cut short): the run did not do its job.
    public var deletesRefused: Int
    /// Rows of create chunks whose intent line was written ahead (group commit) but which were
    /// never sent because the run stopped: the driver journals them as withdrawn
    /// (``JournalWithdrawn``), so a resumed run does not look them up one by one.
    public var withdrawnRows: [Int]

    public init(counts: [RowStatus: Int] = [:], sentWrites: Bool = false, stop: ImportStop? = nil, deletesRefused: Int = 0,
                withdrawnRows: [Int] = []) {
        self.counts = counts
        self.sentWrites = sentWrites
        self.stop = stop
        self.deletesRefused = deletesRefused
        self.withdrawnRows = withdrawnRows
    }

    public func count(of status: RowStatus) -> Int { counts[status] ?? 0 }

    /// Every input row has its final outcome and none is invalid or failed.
    public var allSucceeded: Bool { stop == nil && count(of: .invalid) + count(of: .failed) == 0 && deletesRefused == 0 }
}
