#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file descriptor with read(2), retrying on EINTR.
struct FileDescriptorSource: CSVByteSource {
    let fd: Int32

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            let code = errno
            if code == EINTR { continue }
            throw CSVError(kind: .io("cannot read input: \(String(cString: strerror(code)))"),
                           position: CSVPosition(record: 0, line: 0, column: 0, byteOffset: 0))
        }
    }
}
