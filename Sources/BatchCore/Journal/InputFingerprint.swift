import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What identifies the input of an import, so `--resume` refuses a journal made from another file.
///
/// The fingerprint is the 64-bit FNV-1a hash of every byte of the file (16 hex digits), with the
/// size beside it. Both are compared; the path is kept for messages only (a file may be moved
/// between the crash and the resume). FNV-1a is not cryptographic: it guards against mistakes
/// (an edited or different file), not against someone forging a collision.
public struct InputFingerprint: Sendable, Hashable, Codable {
    /// The input as the user named it (`-` for standard input).
    public var path: String
    /// Size in bytes (0 when unknown).
    public var size: UInt64
    /// FNV-1a 64 of the content as 16 lowercase hex digits, or empty when the input is a stream.
    public var fingerprint: String

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

    /// Reads the whole file at `path` in 1 MiB blocks and hashes it. `-` and anything that is
    /// not a regular file (a pipe, a device) give an empty fingerprint instead of being consumed.
    /// - Throws: `JournalError.io` when the file cannot be opened or read.
    public static func compute(path: String) throws -> InputFingerprint {
        if path == "-" { return .standardInput }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw JournalError.io(path: path, operation: "cannot open", errno: errno) }
        defer { _ = Glibc.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw JournalError.io(path: path, operation: "cannot stat", errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            return InputFingerprint(path: path, size: 0, fingerprint: "")
        }
        var hasher = FNV1a64()
        var size: UInt64 = 0
        let blockSize = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, blockSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw JournalError.io(path: path, operation: "cannot read", errno: errno)
            }
            if n == 0 { break }
            hasher.combine(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
            size += UInt64(n)
        }
        return InputFingerprint(path: path, size: size, fingerprint: hasher.hex)
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
