import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A buffered output file created with mode 0600 (reports hold personal data and authorization
/// links), or standard output for `-`.
public final class OutputFile {
    public let path: String
    private let fd: Int32
    /// The descriptor, for writers that buffer on their own (never interleave with ``write(_:)``).
    public var fileDescriptor: Int32 { fd }
    private var buffer: [UInt8] = []
    private var closed = false
    private static let flushThreshold = 1 << 16

    /// Creates or truncates `path` with mode 0600 (tightening an existing file's mode too).
    public init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = 1
        } else {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw Self.cannotWrite(path)
            }
            fchmod(fd, 0o600)
            self.fd = fd
        }
        buffer.reserveCapacity(Self.flushThreshold * 2)
    }

    deinit {
        if !closed { try? close() }
    }

    /// "cannot write PATH: reason". Not `InputError.unreadable`, whose text says "cannot read".
    static func cannotWrite(_ path: String) -> InputError {
        .unsupported("cannot write \(path == "-" ? "standard output" : path): \(String(cString: strerror(errno)))")
    }

    public func write(_ bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Appends through a closure that writes straight into the buffer.
    public func append(_ body: (inout [UInt8]) -> Void) throws {
        body(&buffer)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    public func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.cannotWrite(path)
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes to the disk (`fsync`) when asked, then closes.
    public func close(sync: Bool = false) throws {
        guard !closed else { return }
        closed = true
        try flush()
        if fd != 1 {
            if sync { fsync(fd) }
            Glibc.close(fd)
        }
    }
}
