/// A snapshot of a running job, for progress lines.
public struct JobProgress: Sendable {
    public var rowsDone: Int
    public var counts: [RowStatus: Int]
    /// Bytes of the input read so far and in all (`nil` for standard input), for the ETA.
    public var bytesRead: Int
    public var totalBytes: Int?
    public var elapsed: Double

    public init(rowsDone: Int = 0, counts: [RowStatus: Int] = [:], bytesRead: Int = 0, totalBytes: Int? = nil, elapsed: Double = 0) {
        self.rowsDone = rowsDone
        self.counts = counts
        self.bytesRead = bytesRead
        self.totalBytes = totalBytes
        self.elapsed = elapsed
    }
}

/// Receives progress snapshots; called from the job's task, at most a few times a second.
public typealias ProgressHandler = @Sendable (JobProgress) -> Void
