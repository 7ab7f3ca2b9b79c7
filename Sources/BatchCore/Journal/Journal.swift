import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The append-only JSON Lines file that makes an import crash-safe (mode 0600: it holds
/// names, e-mails and authorization links).
///
/// Protocol: an `intent` line is appended (and fsynced) before a create chunk is sent; a `done`
/// line after each answer. After a crash, `open(path:header:resume:)` replays the file: finished
/// rows are not sent again, and creates with an intent but no outcome are looked up by e-mail
/// before being created again. Nothing depends on chunk ids, so a resumed run may plan differently.
///
/// One run at a time: `open` takes an exclusive `flock` on `PATH.lock` (holding the PID) and a
/// second run gets `JournalError.locked`. `close()` (or deinit, or the death of the process)
/// releases it.
///
/// Thread-safe: appends are serialized by a mutex, so workers may call `append` directly.
public final class Journal: Sendable {
    /// Where the journal is.
    public let path: String

    private struct State: ~Copyable {
        var fd: Int32
        var lock: JournalLock?
        var usable: Bool
        /// Lines written since the last `fsync` (appended with `sync: false`).
        var unsynced = false
    }

    private let state: Mutex<State>

    private init(path: String, fd: Int32, lock: consuming JournalLock) {
        self.path = path
        self.state = Mutex(State(fd: fd, lock: lock, usable: true))
    }

    deinit {
        close()
    }

    /// Opens the journal for an import of the input described by `header.input`.
    ///
    /// - Without `resume`: creates the journal (mode 0600) and writes `header`. An existing
    ///   non-empty journal is refused (`exists`): the earlier run must be resumed or the journal
    ///   deleted, never silently overwritten.
    /// - With `resume`: the journal must exist (`noJournal`) and belong to the same input content
    ///   (`differentInput`); a stream input cannot be resumed (`cannotResumeStream`). A torn last
    ///   line is cut off so later lines start clean. An empty journal (a run that died before
    ///   its header) gets `header` and starts over.
    ///
    /// - Returns: the journal, ready for `append`, and what the file held (`header` is the
    ///   journal's own header: on resume, the earlier run's).
    public static func open(path: String, header: JournalHeader, resume: Bool) throws -> (Journal, JournalReplay) {
        if resume, !header.input.isResumable {
            throw JournalError.cannotResumeStream(input: header.input.path)
        }
        let lock = try JournalLock(journalPath: path)
        let flags = O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC | (resume ? 0 : O_CREAT)
        let fd = Glibc.open(path, flags, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT, resume { throw JournalError.noJournal(path: path) }
            throw JournalError.io(path: path, operation: "cannot open journal", errno: code)
        }
        let journal = Journal(path: path, fd: fd, lock: lock)
        do {
            var replay = try journal.readExisting(fd: fd)
            let empty = replay.lineCount == 0 && !replay.droppedTornLine
            guard resume || empty else { throw JournalError.exists(path: path) }
            if replay.lineCount == 0 {
                // New, empty, or only a torn first line: nothing was ever sent on its strength.
                _ = fchmod(fd, 0o600)
                try journal.cut(fd: fd, to: 0)
                replay = JournalReplay(path: path)
                try journal.append([.header(header)])
                try replay.apply(.header(header), line: 1)
                Journal.syncDirectory(of: path)
                return (journal, replay)
            }
            guard let recorded = replay.header else {
                throw JournalError.corrupt(path: path, line: 1, reason: "no header")
            }
            // A journal of version 2 or earlier recorded FNV-1a: the input is hashed that way again.
            var input = header.input
            if input.isResumable, InputFingerprint.Hash.of(recorded.input.fingerprint) != InputFingerprint.Hash.of(input.fingerprint) {
                input = try InputFingerprint.compute(path: input.path, hash: .of(recorded.input.fingerprint))
            }
            guard recorded.input.sameContent(as: input) else {
                throw JournalError.differentInput(path: path, journal: recorded.input, input: input)
            }
            if replay.droppedTornLine {
                try journal.cut(fd: fd, to: replay.validByteCount)
            }
            return (journal, replay)
        } catch {
            journal.close()
            throw error
        }
    }

    /// Appends `entries` as JSON lines with one `write` and one `fsync`: when this returns, they
    /// (and every line written before them) survive a crash. After a failed append the journal
    /// refuses further appends (its end may be torn); the run should stop and be resumed.
    ///
    /// With `sync: false` the lines are written but not synced: they survive the death of the
    /// process (they are in the kernel's page cache), and the next synced append, or `close()`,
    /// makes them durable too (one `fsync` covers every byte written before it). Only for lines
    /// whose loss in an operating-system crash is safe: the `done` line of a create chunk whose
    /// intent line is durable (the resumed run looks the creates up by e-mail instead of
    /// creating them again). Issue 17: the `fsync` per `done` line was a third of the client's
    /// system time.
    public func append(_ entries: [JournalEntry], sync: Bool = true) throws {
        guard !entries.isEmpty else { return }
        if entries.count == 1, entries[0].isWrittenLine {
            // The usual case, one intent or done line: written from the writer that made it.
            var line = entries[0].sealedLine()
            withUnsafeBytes(of: UInt8(ascii: "\n")) { line.appendRaw($0) }
            let failure = line.withBytes { bytes in Result { () throws(JournalError) in try write(bytes, sync: sync) } }
            try failure.get()
            return
        }
        var bytes: [UInt8] = []
        for entry in entries {
            bytes.append(contentsOf: try entry.lineBytes())
            bytes.append(UInt8(ascii: "\n"))
        }
        let failure = bytes.withUnsafeBytes { raw in Result { () throws(JournalError) in try write(raw, sync: sync) } }
        try failure.get()
    }

    /// Writes `bytes` (whole lines) at the end, and syncs them when `sync`.
    private func write(_ bytes: UnsafeRawBufferPointer, sync: Bool) throws(JournalError) {
        try state.withLock { state throws(JournalError) in
            guard state.usable else { throw .unusable(path: path) }
            state.usable = false
            try Journal.writeAll(bytes, fd: state.fd, path: path)
            if sync {
                guard fsync(state.fd) == 0 else { throw .io(path: path, operation: "cannot sync journal", errno: errno) }
                state.unsynced = false
            } else {
                state.unsynced = true
            }
            state.usable = true
        }
    }

    /// Appends one entry (see `append(_:sync:)`).
    public func append(_ entry: JournalEntry, sync: Bool = true) throws {
        try append([entry], sync: sync)
    }

    /// Closes the file and releases the lock. Idempotent.
    public func close() {
        state.withLock { state in
            guard state.fd >= 0 else { return }
            // Lines appended without a sync become durable now (best effort: the run is over).
            if state.unsynced { _ = fsync(state.fd) }
            _ = Glibc.close(state.fd)
            state.fd = -1
            state.usable = false
            state.lock.take()?.release()
        }
    }

    // MARK: - Internals

    private func readExisting(fd: Int32) throws -> JournalReplay {
        var replay = JournalReplay(path: path)
        let blockSize = 1 << 20
        var block = [UInt8](repeating: 0, count: blockSize)
        var pending = Data()
        var offset: off_t = 0
        while true {
            let n = block.withUnsafeMutableBytes { pread(fd, $0.baseAddress, blockSize, offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw JournalError.io(path: path, operation: "cannot read journal", errno: errno)
            }
            if n == 0 { break }
            offset += off_t(n)
            var start = 0
            while let newline = block[start..<n].firstIndex(of: UInt8(ascii: "\n")) {
                if pending.isEmpty {
                    try replay.apply(line: Data(block[start..<newline]))
                } else {
                    pending.append(contentsOf: block[start..<newline])
                    try replay.apply(line: pending)
                    pending.removeAll(keepingCapacity: true)
                }
                start = newline + 1
            }
            pending.append(contentsOf: block[start..<n])
        }
        if !pending.isEmpty { replay.dropTornLine() }
        return replay
    }

    private func cut(fd: Int32, to length: Int) throws {
        guard ftruncate(fd, off_t(length)) == 0 else {
            throw JournalError.io(path: path, operation: "cannot truncate journal", errno: errno)
        }
    }

    private static func writeAll(_ raw: UnsafeRawBufferPointer, fd: Int32, path: String) throws(JournalError) {
        var done = 0
        while done < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "cannot write journal", errno: errno)
            }
            done += n
        }
    }

    /// Makes a new journal's directory entry durable too (best effort).
    private static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = Glibc.open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        _ = Glibc.close(fd)
    }
}
