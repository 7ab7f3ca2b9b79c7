import Dispatch
import Synchronization

/// A ``ZipWriter`` whose checksumming, deflating and output run on a serial dispatch queue of
/// their own while the caller produces the next bytes: writing a large sheet then takes about as
/// long as the slower of making its XML and compressing it, not both one after the other.
///
/// The CRC-32 is taken on the same queue, just before each buffer is deflated. On a queue of
/// its own (issue 15, when the CRC-32 was slower) every buffer was read by one more thread and
/// woke one more: with the 1M-row report that cost about 0.1 s of CPU more (user+sys, best of 2,
/// four alternating rounds, 1.35-1.52 s against 1.20-1.42 s) for no clear gain in wall time
/// (the best of each round 1.15-1.32 s against 1.10-1.50 s; the machine was loaded).
///
/// The calls are those of ``ZipWriter`` and take effect in the same order. ``write(_:)`` takes
/// the bytes of the caller's buffer by exchanging its storage with an empty one, no copy; at most
/// ``depth`` buffers wait for the queue, so memory stays flat: the caller waits when the queue
/// is behind. An error of the ZIP writer or the output is thrown by the caller's next call (the
/// work queued after it is skipped); ``close()`` waits for everything and rethrows it.
///
/// Waiting blocks the calling thread (a semaphore, not an `await`): it may be a Swift
/// concurrency thread, as in `validate`. That cannot deadlock: the queue is a serial queue,
/// whose blocks run on an overcommitting dispatch thread, never on the cooperative pool, and
/// they take no lock the caller holds.
final class ThreadedZipWriter: @unchecked Sendable {
    // Unchecked Sendable, why it holds: `zip` and `output` are used only by blocks on `queue`,
    // which is serial, so never by two threads at once, and each block is ordered after the
    // caller's work before it (dispatch's async is a happens-before edge); `state` is a Mutex;
    // `room` and `queue` are thread-safe. The caller reads what the blocks wrote only through
    // `state` or after `queue.sync`.
    private let zip: ZipWriter
    private let queue = DispatchQueue(label: "XLSXCodec.ThreadedZipWriter")
    /// Buffers handed over and not yet written by the queue, at most ``depth``.
    private let room: DispatchSemaphore
    private struct State {
        var failure: (any Error)?
        /// Emptied buffers, given back for the caller to fill again.
        var spare: [ByteBuffer] = []
    }

    private let state = Mutex(State())
    /// How many handed-over buffers may wait for the queue: 8 of 256 KiB, about 6,500 report
    /// rows, so the report's thread seldom waits on a queue that fell behind while the two
    /// validate threads had the cores (and the read-ahead thread, in turn, on it). 2 MiB; with 8
    /// of 64 KiB the 1M-row xlsx report took 0.65–0.81 s against 0.65–0.69 s with 32 of 64 KiB
    /// (issue 15, same minutes). The same 2 MiB in 256 KiB pieces (``XLSXWriter``) wakes the
    /// queue a quarter as often.
    static let depth = 8
    /// The capacity a fresh buffer is given (the writer hands over at about this size).
    private let bufferCapacity: Int

    init(bufferCapacity: Int, output: @escaping ZipWriter.Output) {
        zip = ZipWriter(output: output)
        room = DispatchSemaphore(value: Self.depth)
        self.bufferCapacity = bufferCapacity
    }

    /// Throws the queue's first error, if any.
    private func check() throws {
        if let failure = state.withLock({ $0.failure }) { throw failure }
    }

    /// Runs `body` on the queue unless an earlier block failed; records its error.
    private func enqueue(_ body: @escaping @Sendable (ZipWriter) throws -> Void) {
        queue.async { [self] in
            guard state.withLock({ $0.failure == nil }) else { return }
            do {
                try body(zip)
            } catch {
                state.withLock { $0.failure = error }
            }
        }
    }

    func beginEntry(_ name: String) throws {
        try check()
        enqueue { try $0.beginEntry(name) }
    }

    /// Hands the bytes of `bytes` to the current entry; `bytes` is left empty, to be filled again.
    func write(_ bytes: ByteBuffer) throws {
        try check()
        guard !bytes.isEmpty else { return }
        room.wait()
        let full = state.withLock { $0.spare.popLast() } ?? ByteBuffer(capacity: bufferCapacity)
        full.exchange(with: bytes) // `full` now holds the bytes; the caller keeps no reference to it
        queue.async { [self] in
            if state.withLock({ $0.failure == nil }) {
                do {
                    try full.withUnsafeBytes { try zip.write($0) }
                } catch {
                    state.withLock { $0.failure = error }
                }
            }
            full.removeAll()
            state.withLock { $0.spare.append(full) }
            room.signal()
        }
    }

    func endEntry() throws {
        try check()
        enqueue { try $0.endEntry() }
    }

    func addEntry(_ name: String, _ bytes: [UInt8]) throws {
        try check()
        enqueue { try $0.addEntry(name, bytes) } // checksummed by the ZIP writer itself (small parts)
    }

    /// Writes the central directory once everything before it is written; the archive is then
    /// complete, and nothing runs on the queue any more.
    func close() throws {
        enqueue { try $0.close() } // skipped after an error
        queue.sync {}
        try check()
    }

    /// Waits for the queued work, for a writer abandoned before ``close()`` (after an error):
    /// its blocks hold the writer, and the output must not be written after its owner goes.
    func drain() {
        state.withLock { if $0.failure == nil { $0.failure = ZipError(entry: "", reason: "abandoned before close") } }
        queue.sync {}
    }
}
