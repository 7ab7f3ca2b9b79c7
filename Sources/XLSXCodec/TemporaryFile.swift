#if canImport(Glibc)
import Glibc
#endif

/// An anonymous temporary file (`tmpfile(3)`: unlinked at once, gone when closed or when the
/// process dies), written front to back and then read back from the start. It keeps what a
/// streaming writer must replay later (rows of a sheet, a sheet's hyperlinks) out of memory.
public final class TemporaryFile {
    private let file: UnsafeMutablePointer<FILE>
    private var reading = false
    public private(set) var byteCount = 0

    public init() throws {
        guard let f = tmpfile() else {
            throw XLSXError("temporary file", String(cString: strerror(errno)))
        }
        file = f
    }

    deinit { fclose(file) }

    public func write(_ bytes: [UInt8]) throws {
        precondition(!reading, "TemporaryFile.write after rewind")
        guard !bytes.isEmpty else { return }
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard n == bytes.count else { throw XLSXError("temporary file", "cannot write: \(String(cString: strerror(errno)))") }
        byteCount += n
    }

    /// Starts reading from the beginning; no more writes after this.
    public func rewind() throws {
        reading = true
        guard fflush(file) == 0, fseek(file, 0, SEEK_SET) == 0 else {
            throw XLSXError("temporary file", "cannot read back: \(String(cString: strerror(errno)))")
        }
    }

    /// Reads exactly `count` bytes into `buffer` (replacing its contents); `false` at the end.
    public func read(_ count: Int, into buffer: inout [UInt8]) throws -> Bool {
        buffer.removeAll(keepingCapacity: true)
        guard count > 0 else { return true }
        buffer.reserveCapacity(count)
        var got = 0
        buffer.append(contentsOf: repeatElement(0, count: count))
        got = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, count, file) }
        if got == 0, feof(file) != 0 { return false }
        guard got == count else { throw XLSXError("temporary file", "ended in the middle of a record") }
        return true
    }
}
