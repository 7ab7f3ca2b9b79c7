import BatchReport

/// A snapshot of a running job, for progress lines.
public struct JobProgress: Sendable {
    public var rowsDone: Int
    public var counts: [RowStatus: Int]
    /// Bytes of the input read so far and in all (`nil` for standard input), for the ETA.
    public var bytesRead: Int
    public var totalBytes: Int?
    public var elapsed: Double
    /// Rows read so far (ahead of `rowsDone` while rows wait to be sent), to estimate the total.
    public var rowsRead: Int?
    /// What the job is busy with.
    public var phase: JobPhase
    /// Pages of the resource list read so far (export, auth-links), when the job lists.
    public var pages: Int?

    public init(rowsDone: Int = 0, counts: [RowStatus: Int] = [:], bytesRead: Int = 0, totalBytes: Int? = nil, elapsed: Double = 0,
                rowsRead: Int? = nil, phase: JobPhase = .sending, pages: Int? = nil) {
        self.phase = phase
        self.pages = pages
        self.rowsRead = rowsRead
        self.rowsDone = rowsDone
        self.counts = counts
        self.bytesRead = bytesRead
        self.totalBytes = totalBytes
        self.elapsed = elapsed
    }
}

extension JobProgress {
    /// The share of the work done, 0…1, when it can be told: rows done out of the rows the file
    /// should hold (estimated from the bytes read), or bytes read when rows are not counted.
    public var fractionDone: Double? {
        guard let total = totalBytes, total > 0, bytesRead > 0 else { return nil }
        let readShare = min(1, Double(bytesRead) / Double(total))
        guard let rowsRead, rowsRead > 0 else { return readShare }
        let estimatedRows = Double(rowsRead) / readShare
        return min(1, Double(rowsDone) / estimatedRows)
    }
}

/// Receives progress snapshots; called from the job's task, at most a few times a second.
public typealias ProgressHandler = @Sendable (JobProgress) -> Void
