import BatchInput
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
    ///
    /// A symbolic link at `path` is never followed (`O_NOFOLLOW`: a link planted after
    /// ``OutputPathGuard`` looked is refused too), and only a regular file is truncated and
    /// re-moded: the file is opened without `O_TRUNC` and checked (`fstat`) first, so a FIFO or a
    /// file with other hard links is refused and a device such as `/dev/null` is written as it
    /// is, never `chmod`ed.
    public init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = 1
        } else {
            let fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw Self.cannotWrite(path)
            }
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                let error = Self.cannotWrite(path)
                Glibc.close(fd)
                throw error
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                // A second name for the file (a hard link planted where the report goes) would
                // make this truncate someone else's file: refused, like a symbolic link.
                guard info.st_nlink <= 1 else {
                    Glibc.close(fd)
                    throw InputError.unsupported("cannot write \(path): the file has other hard links, and outputs never write through one")
                }
                guard ftruncate(fd, 0) == 0 else {
                    let error = Self.cannotWrite(path)
                    Glibc.close(fd)
                    throw error
                }
                fchmod(fd, 0o600)
            case S_IFCHR:
                break
            default:
                Glibc.close(fd)
                throw InputError.unsupported("cannot write \(path): not a regular file")
            }
            // Back to blocking writes (O_NONBLOCK only kept the open of a FIFO from waiting).
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            self.fd = fd
        }
        buffer.reserveCapacity(Self.flushThreshold * 2)
    }

    deinit {
        if !closed { try? close() }
    }

    /// "cannot write PATH: reason". Not `InputError.unreadable`, whose text says "cannot read".
    static func cannotWrite(_ path: String) -> InputError {
        if errno == ELOOP {
            return .unsupported("cannot write \(path): it is a symbolic link, and outputs are never written through a link")
        }
        return .unsupported("cannot write \(path == "-" ? "standard output" : path): \(String(cString: strerror(errno)))")
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
