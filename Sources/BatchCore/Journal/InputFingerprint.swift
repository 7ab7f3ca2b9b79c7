import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What identifies the input of an import, so `--resume` refuses a journal made from another file.
///
/// The fingerprint is a 64-bit hash of every byte of the file, with the size beside it. Both are
/// compared; the path is kept for messages only (a file may be moved between the crash and the
/// resume). Since journal version 3 the hash is ``JournalLineHash``, written `w:` and 16 hex
/// digits; journals of version 2 and earlier recorded FNV-1a's 16 hex digits, and a resume of
/// one computes FNV-1a again to compare (``Hash/of(_:)``). Neither is cryptographic: they guard
/// against mistakes (an edited or different file), not against someone forging a collision.
public struct InputFingerprint: Sendable, Hashable, Codable {
    /// The input as the user named it (`-` for standard input).
    public var path: String
    /// Size in bytes (0 when unknown).
    public var size: UInt64
    /// The content's hash (`w:` and 16 lowercase hex digits; 16 hex digits of FNV-1a in journals
    /// of version 2 and earlier), or empty when the input is a stream.
    public var fingerprint: String

    /// Which hash a fingerprint is.
    public enum Hash: Sendable {
        /// ``JournalLineHash``, written `w:…` (journal version 3 on).
        case words
        /// 64-bit FNV-1a (journal versions 1 and 2).
        case fnv1a

        /// The hash `fingerprint` was made with.
        public static func of(_ fingerprint: String) -> Hash {
            fingerprint.hasPrefix("w:") ? .words : .fnv1a
        }
    }

    /// A fingerprint as recorded (use `compute(path:)` to make one from a file).
    public init(path: String, size: UInt64, fingerprint: String) {
        self.path = path
        self.size = size
        self.fingerprint = fingerprint
    }

    /// The fingerprint of standard input: a stream can be read only once, so it has none and
    /// cannot be resumed.
    public static let standardInput = InputFingerprint(path: "-", size: 0, fingerprint: "")

    /// Whether a journal of this input can be resumed: only regular files have a fingerprint.
    public var isResumable: Bool { !fingerprint.isEmpty }

    /// Whether `other` has the same content (size and hash; the path is not compared).
    public func sameContent(as other: InputFingerprint) -> Bool {
        isResumable && size == other.size && fingerprint == other.fingerprint
    }

    /// Reads the whole file at `path` in 1 MiB blocks and hashes it with `hash`. `-` and anything
    /// that is not a regular file (a pipe, a device) give an empty fingerprint instead of being
    /// consumed.
    /// - Throws: `JournalError.io` when the file cannot be opened or read.
    public static func compute(path: String, hash: Hash = .words) throws -> InputFingerprint {
        if path == "-" { return .standardInput }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw JournalError.io(path: path, operation: "cannot open", errno: errno) }
        defer { _ = Glibc.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw JournalError.io(path: path, operation: "cannot stat", errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            return InputFingerprint(path: path, size: 0, fingerprint: "")
        }
        var fnv = FNV1a64()
        var words = JournalLineHash()
        var size: UInt64 = 0
        let blockSize = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
        defer { buffer.deallocate() }
        // Each block is filled before it is hashed (a short read is read on), so that the word
        // hash is fed whole 32-byte blocks until the last.
        var filled = 0
        var ended = false
        while !ended {
            let n = Glibc.read(fd, buffer.baseAddress! + filled, blockSize - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw JournalError.io(path: path, operation: "cannot read", errno: errno)
            }
            filled += n
            size += UInt64(n)
            ended = n == 0
            guard filled == blockSize || ended else { continue }
            let block = UnsafeRawBufferPointer(rebasing: buffer[..<filled])
            switch hash {
            case .fnv1a: fnv.combine(block)
            case .words: if !ended { words.combineBlocks(block) }
            }
            if !ended { filled = 0 }
        }
        switch hash {
        case .fnv1a:
            return InputFingerprint(path: path, size: size, fingerprint: fnv.hex)
        case .words:
            let value = words.finish(UnsafeRawBufferPointer(rebasing: buffer[..<filled]))
            return InputFingerprint(path: path, size: size, fingerprint: "w:" + String(decoding: JournalLineHash.hex(value), as: UTF8.self))
        }
    }
}

/// 64-bit FNV-1a, streaming: feed blocks in order, read `value` / `hex` at the end.
struct FNV1a64: Sendable {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        var h = value
        for byte in bytes {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01b3
        }
        value = h
    }

    mutating func combine(_ bytes: some Sequence<UInt8>) {
        var h = value
        for byte in bytes {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01b3
        }
        value = h
    }

    /// 16 lowercase hex digits.
    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
