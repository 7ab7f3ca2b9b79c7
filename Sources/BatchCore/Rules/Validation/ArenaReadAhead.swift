import BatchInput
import Foundation

/// The reading thread's side of ``ArenaValidationPipeline``: reads CSV batches into arenas and
/// checks the first rows of each, then hands them over, in order and bounded, to the pipeline's
/// caller; the caller gives spent arenas back, which are filled again (no allocation per batch
/// once warm, none per row ever).
///
/// As ``ValidationPipeline``'s read-ahead: an input error ends the stream where it happened (the
/// rows of the batch it interrupted are not handed out), and how many rows of a batch this
/// thread checks (`share`) moves toward whichever side waits, so both threads stay busy.
final class ArenaReadAhead: @unchecked Sendable {
    // Unchecked: every stored `var` but `lastBytes` is read and written only with `condition`
    // locked; `lastBytes` is read and written by the reading thread (`run`) only; the reader
    // (source and validator) is used by the reading thread only, once handed to `run`.
    private let condition = NSCondition()
    private let capacity: Int
    private var queue: [RowArena] = []
    private var queuedBytes: [Int] = []
    private var queuedChecked: [Int] = []
    private var spares: [RowArena] = []
    /// The most bytes a batch held so far (a new arena reserves as much); read and written by the
    /// reading thread only.
    private var lastBytes = 1 << 16
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private var handedBytes = 0
    private var share: Int
    private let batchSize: Int
    private var step: Int { max(1, batchSize / 32) }

    init(capacity: Int, batchSize: Int) {
        self.capacity = max(1, capacity)
        self.batchSize = batchSize
        share = batchSize / 2
    }

    /// What the reading thread reads with.
    struct Reader: @unchecked Sendable {
        // Unchecked: the source (a class, not thread-safe) is handed to the reading thread when
        // the pipeline starts it and from then on used by that thread only (the pipeline reads
        // only `bytesRead` through the hand-over, never the source); the validator is a value.
        let source: CSVRecordSource
        let validator: ResourceValidator
    }

    /// The thread's body: reads until the end, an error or ``cancel()``.
    func run(_ reader: Reader) {
        let source = reader.source
        var validator = reader.validator
        while true {
            condition.lock()
            let spare = spares.popLast()
            let checking = share
            condition.unlock()
            var arena: RowArena
            if var spare {
                // Emptied here, where this thread holds its only reference: emptied while another
                // reference lived, `removeAll(keepingCapacity:)` gave each buffer a fresh copy, whose
                // pages were faulted in again (page faults in the profile, on the reader's appends).
                spare.removeAll()
                arena = spare
            } else {
                // Sized at once for a whole batch: grown by doubling instead, each new arena
                // mapped fresh pages several times (page faults were a third of the system time).
                arena = RowArena()
                arena.reserve(rows: batchSize, bytes: lastBytes)
            }
            let bytes: Int
            do {
                _ = try source.read(into: &arena, upTo: batchSize)
                validator.check(&arena, rows: 0..<min(checking, arena.count))
                bytes = source.bytesRead
            } catch {
                condition.lock()
                failure = error
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.lock()
            if arena.count == 0 {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            if queue.count >= capacity { share = min(batchSize, share + step) } // the caller is behind
            while queue.count >= capacity && !cancelled { condition.wait() }
            if cancelled {
                condition.unlock()
                return
            }
            let rows = arena.count
            lastBytes = max(lastBytes, arena.bytes.count)
            queue.append(consume arena)
            queuedBytes.append(bytes)
            queuedChecked.append(min(checking, rows))
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The next batch, `nil` at the end, and in `checked` how many of its first rows are checked;
    /// rethrows the reader's error once the batches before it are taken.
    func take(checked: inout Int) throws -> RowArena? {
        condition.lock()
        defer { condition.unlock() }
        if queue.isEmpty && !finished { share = max(0, share - step) } // the reader is behind
        while queue.isEmpty && !finished { condition.wait() }
        if !queue.isEmpty {
            let arena = queue.removeFirst()
            checked = queuedChecked.removeFirst()
            handedBytes = queuedBytes.removeFirst()
            condition.broadcast()
            return arena
        }
        if let failure {
            self.failure = nil
            throw failure
        }
        return nil
    }

    /// Takes a spent batch back, to be emptied and filled again by the reading thread.
    func giveBack(_ arena: consuming RowArena) {
        condition.lock()
        // Up to as many as can be in flight (queued, being read, being written): an arena
        // dropped here would be allocated again, its pages faulted in afresh.
        if spares.count < capacity + 2 { spares.append(arena) }
        condition.unlock()
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
