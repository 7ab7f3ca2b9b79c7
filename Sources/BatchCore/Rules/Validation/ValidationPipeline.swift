import BatchModel
import BatchInput
import Foundation

/// Reads, validates and checks rows in batches, in input order: the front half of `validate` and
/// `import`.
///
/// Each batch is validated synchronously, then the e-mail domains no earlier row has asked about
/// are classified concurrently (the classifier bounds and caches lookups), then duplicates are
/// found in input order. Memory is one batch, whatever the size of the file.
public final class ValidationPipeline {
    public let source: any RecordSource
    private var validator: ResourceValidator
    private let hosting: HostingClassifier?
    private let policy: HostingPolicy
    private let batchSize: Int
    private var hostingOutcomes = HostingOutcomes()
    private var duplicates = DuplicateTracker()
    /// The input's size in bytes when known, to size the duplicate table (``sizeDuplicates(_:)``).
    private let expectedBytes: Int?
    private var duplicatesSized = false
    private let readAhead: ReadAhead?
    private var recent = RecentDomains()
    /// How many rows repeat an earlier row's e-mail or id.
    public private(set) var duplicateCount = 0

    /// - Parameters:
    ///   - hosting: the classifier; `nil` (or policy `off`) skips the hosting rule.
    ///   - readAhead: when > 0, a thread of its own reads and validates up to this many batches
    ///     ahead (the source and the per-row checks), while the caller's thread checks hosting and
    ///     duplicates and writes: two cores instead of one, memory bounded by `readAhead + 2`
    ///     batches. The source must then be used by the pipeline only.
    ///   - expectedBytes: the input's size, when known: the duplicate table is sized from it.
    public init(source: any RecordSource, options: ValidationOptions, hosting: HostingClassifier?, batchSize: Int = 1024,
                readAhead: Int = 0, expectedBytes: Int? = nil) {
        self.source = source
        self.expectedBytes = expectedBytes
        validator = ResourceValidator(options: options)
        self.hosting = options.hostingPolicy == .off ? nil : hosting
        policy = options.hostingPolicy
        self.batchSize = batchSize
        if readAhead > 0 {
            let ahead = ReadAhead(capacity: readAhead, batchSize: batchSize)
            self.readAhead = ahead
            let reader = BatchReader(source: source, validator: validator, batchSize: batchSize)
            let thread = Thread { ahead.run(reader) }
            thread.name = "resource-batch read-ahead"
            thread.start()
        } else {
            self.readAhead = nil
        }
    }

    deinit {
        readAhead?.cancel()
    }

    /// Computes what the rows' duplicate and hosting checks need.
    static func prepare(_ rows: inout [ValidatedRow], _ recent: inout RecentDomains) {
        for i in rows.indices { rows[i].prepareChecks(&recent) }
    }

    /// Hands a batch from ``nextBatch()`` back once it is written out: with read-ahead, its rows'
    /// text buffers and the batch's own storage go back to the reading thread, which fills them
    /// again. Without it, the batch is simply dropped. Either way `rows` is left empty.
    ///
    /// With read-ahead the rows are allocated on the reading thread; freeing them here contended
    /// for the allocator's lock with that thread (futex wake-ups in the profile) and cost a
    /// `malloc` and a `free` per row.
    public func recycle(_ rows: inout [ValidatedRow]) {
        guard let readAhead else {
            rows = []
            return
        }
        var buffers: [[UInt8]] = []
        buffers.reserveCapacity(rows.count)
        for i in rows.indices { buffers.append(rows[i].record.input.takeBuffer()) }
        rows.removeAll(keepingCapacity: true)
        var spent: [ValidatedRow] = []
        swap(&spent, &rows) // `rows` left empty; the storage moves on without a second reference
        readAhead.giveBack(buffers: consume buffers, batch: consume spent)
    }

    /// Input bytes consumed by the rows handed out so far, for progress.
    public var bytesRead: Int {
        if let readAhead { return readAhead.bytesRead }
        return (source as? CSVRecordSource)?.bytesRead ?? 0
    }

    /// The next rows in input order, or `nil` at the end of the input.
    /// - Throws: `InputError` when the input cannot be read further.
    public func nextBatch() async throws -> [ValidatedRow]? {
        var rows: [ValidatedRow]
        if let readAhead {
            // Taken straight into `rows`: a second reference would make the first change copy the batch.
            var checked = 0
            rows = try readAhead.take(checked: &checked) ?? []
            if rows.isEmpty { return nil }
            // The rows the reading thread left unchecked (``ReadAhead/share``) are checked here.
            if checked < rows.count {
                var local = validator // a local: no exclusivity check on the property per row
                for i in checked..<rows.count { local.check(&rows[i]) }
                validator = local
            }
        } else {
            rows = []
            rows.reserveCapacity(batchSize)
            while rows.count < batchSize, let record = try source.next() {
                validator.validate(record, appendingTo: &rows)
            }
            if rows.isEmpty { return nil }
        }
        // On the caller's side even with read-ahead: the reading thread is the busier of the two.
        Self.prepare(&rows, &recent)
        if let hosting { await checkHosting(&rows, hosting) }
        if !duplicatesSized { sizeDuplicates(rows) }
        var hashes = [UInt64](repeating: 0, count: rows.count)
        for i in rows.indices { hashes[i] = rows[i].emailHash ?? rows[i].idHash ?? 0 }
        _ = duplicates.touch(hashes)
        let found = duplicates.claimAll(&rows)
        duplicateCount += found
        return rows
    }

    /// Sizes the duplicate table from the input, once, after the first batch
    /// (``DuplicateTracker/reserve(keys:seenIn:ofInput:)``).
    private func sizeDuplicates(_ rows: [ValidatedRow]) {
        duplicatesSized = true
        guard let expectedBytes else { return }
        var keys = 0
        for i in rows.indices {
            if rows[i].emailHash != nil { keys += 1 }
            if rows[i].idHash != nil { keys += 1 }
        }
        duplicates.reserve(keys: keys, seenIn: bytesRead, ofInput: expectedBytes)
    }

    private func checkHosting(_ rows: inout [ValidatedRow], _ hosting: HostingClassifier) async {
        await hostingOutcomes.classify(rows.map(\.hostingDomain), names: recent.names, with: hosting)
        Self.addHostingIssues(&rows, &hostingOutcomes, policy)
    }

    /// The rows' hosting issues, with the outcomes borrowed once for the batch (not one dynamic
    /// exclusivity check of the property per row).
    private static func addHostingIssues(_ rows: inout [ValidatedRow], _ outcomes: inout HostingOutcomes, _ policy: HostingPolicy) {
        for i in rows.indices {
            guard rows[i].calendarIdIsValid, let provider = rows[i].provider,
                  let issue = outcomes.issue(code: rows[i].hostingDomain, provider: provider, policy: policy) else { continue }
            rows[i].issues.append(issue)
        }
    }
}

/// Reads and validates batches: what the read-ahead thread runs.
private struct BatchReader: @unchecked Sendable {
    // Unchecked: once handed to the thread, the source and validator are used there only.
    let source: any RecordSource
    var validator: ResourceValidator
    let batchSize: Int

    /// The next batch (empty at the end of the input) and the input bytes read so far; `spare`
    /// is an empty batch given back (``ValidationPipeline/recycle(_:)``), whose storage is reused.
    /// Only the first `checking` rows are checked; the others are left to the caller's thread.
    mutating func next(spare: consuming [ValidatedRow], checking: Int) throws -> ([ValidatedRow], Int) {
        // Moved, not copied: a second reference would make `reserveCapacity` allocate a new buffer.
        var rows = consume spare
        rows.reserveCapacity(batchSize)
        while rows.count < checking, let record = try source.next() {
            validator.validate(record, appendingTo: &rows)
        }
        if rows.count == checking {
            while rows.count < batchSize, let record = try source.next() {
                validator.appendUnchecked(record, to: &rows)
            }
        }
        return (rows, (source as? CSVRecordSource)?.bytesRead ?? 0)
    }
}

/// A bounded hand-over of validated batches from the read-ahead thread to the pipeline's caller.
/// An input error ends the stream at the point it happened, as it would without read-ahead
/// (the rows of the batch it interrupted are not handed out).
private final class ReadAhead: @unchecked Sendable {
    // Unchecked: every field is guarded by `condition`.
    private let condition = NSCondition()
    private let capacity: Int
    private var queue: [[ValidatedRow]] = []
    private var head = 0
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private var handedBytes = 0
    private var queuedBytes: [Int] = []
    private var queuedChecked: [Int] = []
    /// How many rows of each batch the reading thread checks (``BatchReader/next(spare:checking:)``);
    /// the caller's thread checks the rest. Moved by `step` toward whichever side waits: the
    /// caller waiting for a batch gives the reader less to do, the reader waiting for room gives
    /// it more. The two threads then stay about equally busy whatever else shares the cores
    /// (what a row's checks give does not depend on the thread that runs them).
    private var share: Int
    private let batchSize: Int
    private var step: Int { max(1, batchSize / 32) }

    init(capacity: Int, batchSize: Int) {
        self.capacity = max(1, capacity)
        self.batchSize = batchSize
        share = batchSize / 2
    }

    /// Row text buffers and empty batches given back by the caller's thread, for the reader.
    private var spareBuffers: [[UInt8]] = []
    private var spareBatches: [[ValidatedRow]] = []

    /// Called on the caller's thread with a spent batch's buffers and its emptied storage.
    func giveBack(buffers: consuming [[UInt8]], batch: consuming [ValidatedRow]) {
        condition.lock()
        // Bounded: a few batches' worth at most (the reader takes them before each batch).
        if spareBuffers.isEmpty {
            spareBuffers = consume buffers // the usual case: the reader took the last ones
        } else if spareBuffers.count < 4 * buffers.count + 1 {
            spareBuffers.append(contentsOf: buffers)
        }
        if spareBatches.count < 2 { spareBatches.append(consume batch) }
        condition.unlock()
    }

    /// The thread's body: reads until the end, an error or `cancel()`.
    func run(_ reader: BatchReader) {
        var reader = reader
        let csv = reader.source as? CSVRecordSource
        while true {
            var batch: [ValidatedRow]
            let bytes: Int
            // What the caller gave back, taken in one go; handed to the source outside the lock.
            condition.lock()
            var buffers: [[UInt8]] = []
            swap(&buffers, &spareBuffers)
            let spare = spareBatches.popLast() ?? []
            let checking = share
            condition.unlock()
            if let csv, !buffers.isEmpty { csv.reuse(&buffers) }
            do {
                (batch, bytes) = try reader.next(spare: consume spare, checking: checking)
            } catch {
                condition.lock()
                failure = error
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.lock()
            if batch.isEmpty {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            if queue.count - head >= capacity { share = min(batchSize, share + step) } // the caller is behind
            while queue.count - head >= capacity && !cancelled { condition.wait() }
            if cancelled {
                condition.unlock()
                return
            }
            if head > 0 {
                queue.removeFirst(head)
                queuedBytes.removeFirst(head)
                queuedChecked.removeFirst(head)
                head = 0
            }
            // Moved in under the lock: were this thread's reference still alive when the caller
            // takes the batch, the caller's first change would copy all its rows (a retain each).
            let rows = batch.count
            queue.append(consume batch)
            queuedBytes.append(bytes)
            queuedChecked.append(min(checking, rows))
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The next batch, `nil` at the end, and in `checked` how many of its rows (the first ones)
    /// are checked; rethrows the reader's error once the batches before it are taken.
    func take(checked: inout Int) throws -> [ValidatedRow]? {
        condition.lock()
        defer { condition.unlock() }
        if head == queue.count && !finished { share = max(0, share - step) } // the reader is behind
        while head == queue.count && !finished { condition.wait() }
        if head < queue.count {
            var batch: [ValidatedRow] = []
            swap(&batch, &queue[head]) // moved out: the caller holds the only reference
            checked = queuedChecked[head]
            handedBytes = queuedBytes[head]
            head += 1
            condition.broadcast()
            return batch
        }
        if let failure {
            self.failure = nil
            throw failure
        }
        return nil
    }

    var bytesRead: Int {
        condition.lock()
        defer { condition.unlock() }
        return handedBytes
    }

    /// Lets the thread end (the pipeline is gone).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
