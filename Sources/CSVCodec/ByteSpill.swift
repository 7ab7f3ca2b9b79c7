#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only byte store that keeps only its newest bytes in memory and the rest in an
/// unlinked temporary file, read back by position: what a stage appends once and reads back
/// rarely (the duplicate tracker's keys, re-read only on a hash hit) costs disk, not RSS.
///
/// It lives in CSVCodec because it is pointer-level code (write(2) and pread(2) on buffers), which
/// the project keeps in the codecs; its callers see bytes, ``Span``s and offsets only.
///
/// Invariants (each checked by `Fuzz/ByteSpillFuzz.swift` against an in-memory model):
/// - `count` is the number of bytes appended so far; byte `i < count` is in the file when
///   `i < flushed`, else at `tail[i - flushed]`. `flushed + tailCount == count` always, and
///   `tailCount <= tail.count` (the buffer's capacity), so every store into the tail is in bounds.
/// - ``read(at:count:)`` returns exactly the bytes appended at those offsets, wherever they sit
///   (file, tail, or across the boundary), and traps on a range outside `0..<count`.
/// - When the file cannot be created or a write fails (a full disk), the store keeps every byte
///   in the tail from then on (`spilling` false): memory grows, but no byte is ever lost or wrong,
///   so a caller that compares keys never compares against garbage.
public final class ByteSpill {
    private var fd: Int32 = -1
    /// Bytes already in the file (offsets `0..<flushed`).
    private var flushed = 0
    /// The newest bytes, not yet written (offsets `flushed..<count`), in `tail[0..<tailCount]`;
    /// `tail.count` is the buffer's capacity, never less than `tailCount`.
    private var tail: [UInt8]
    private var tailCount = 0
    private let flushAt: Int
    /// Whether bytes still go to the file (false after a failure or without a file).
    public private(set) var spilling: Bool

    /// Bytes appended so far: the offset the next append lands at.
    public var count: Int { flushed + tailCount }

    /// Opens an unlinked temporary file in `directory` (default `$TMPDIR`, else `/tmp`).
    /// - Parameter flushAt: how many bytes are kept in memory before they are written out.
    public init(directory: String? = nil, flushAt: Int = 1 << 18) {
        self.flushAt = max(1, flushAt)
        let dir = directory ?? (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp")
        var template = Array((dir + "/resource-batch-spill.XXXXXX").utf8CString)
        let opened = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if opened >= 0 {
            _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) } // gone with the process
            fd = opened
        }
        spilling = opened >= 0
        tail = [UInt8](repeating: 0, count: self.flushAt + 4096)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Appends one record: `header` as eight little-endian bytes, then `bytes`, then zeros up to a
    /// multiple of 8 bytes (so that a record's offset / 8 names it). Returns the record's offset,
    /// a multiple of 8 when every append went through here.
    public func appendRecord(header: UInt64, _ bytes: Span<UInt8>) -> Int {
        let offset = count
        let n = bytes.count
        let total = 8 &+ ((n &+ 7) & ~7)
        if tailCount + total > tail.count { makeRoom(total) }
        let at = tailCount
        tail.withUnsafeMutableBytes { out in
            // In bounds: makeRoom left `tail.count - tailCount >= total` = 8 + n + padding.
            out.storeBytes(of: header.littleEndian, toByteOffset: at, as: UInt64.self)
            // The last word of the key area is zeroed first: it holds the padding. (Only when
            // there is a key area: with no key bytes that word is the header's, as the fuzzer found.)
            if n > 0 { out.storeBytes(of: UInt64(0), toByteOffset: at + total - 8, as: UInt64.self) }
            bytes.withUnsafeBytes { src in
                if n > 0 { (out.baseAddress! + at + 8).copyMemory(from: src.baseAddress!, byteCount: n) }
            }
        }
        tailCount += total
        if spilling && tailCount >= flushAt { flush() }
        return offset
    }

    /// Makes room for `n` more bytes: writes the tail out, or (not spilling, or too small a
    /// buffer) grows it.
    private func makeRoom(_ n: Int) {
        if spilling { flush() }
        if tailCount + n > tail.count {
            tail.append(contentsOf: repeatElement(0, count: max(tail.count, tailCount + n - tail.count)))
        }
    }

    /// Writes the tail to the file; on a failure keeps it (and everything after) in memory.
    private func flush() {
        var done = 0
        let ok: Bool = tail.withUnsafeBufferPointer { b in
            while done < tailCount {
                let n = pwrite(fd, b.baseAddress! + done, tailCount - done, off_t(flushed + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                done += n
            }
            return true
        }
        if !ok { spilling = false }
        // What did reach the file is read from it again: drop it from the tail. (pwrite at an
        // explicit offset: a short write left no gap.)
        flushed += done
        if done > 0 {
            tail.withUnsafeMutableBufferPointer { b in
                let rest = tailCount - done
                if rest > 0 { b.baseAddress!.update(from: b.baseAddress! + done, count: rest) }
            }
            tailCount -= done
        }
    }

    /// The `count` bytes appended at `offset`.
    public func read(at offset: Int, count n: Int) -> [UInt8] {
        precondition(offset >= 0 && n >= 0 && offset + n <= count, "ByteSpill.read out of range")
        var out = [UInt8](repeating: 0, count: n)
        // From the file: the part before `flushed`.
        let fromFile = max(0, min(offset + n, flushed) - offset)
        if fromFile > 0 {
            var done = 0
            out.withUnsafeMutableBufferPointer { b in
                while done < fromFile {
                    let got = pread(fd, b.baseAddress! + done, fromFile - done, off_t(offset + done))
                    if got < 0 && errno == EINTR { continue }
                    // The bytes were written (`flushed` counts only what pwrite accepted): a read
                    // that fails or ends early is the file system breaking its word.
                    precondition(got > 0, "ByteSpill: cannot read back the spill file")
                    done += got
                }
            }
        }
        // From memory: the rest.
        var i = fromFile
        while i < n {
            out[i] = tail[offset + i - flushed]
            i += 1
        }
        return out
    }
}
