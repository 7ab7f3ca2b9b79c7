import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file descriptor line by line in large blocks, never holding more than one line
/// (bounded by `maxLineBytes`) plus one block.
final class LineReader {
    /// One line without its `\n` (and without a `\r` before it).
    struct Line {
        var number: Int
        var bytes: [UInt8]
        /// The line was longer than the limit; `bytes` holds its start only.
        var truncated: Bool
    }

    private let fd: Int32
    private let closeOnDeinit: Bool
    private var block: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    private var lineNumber = 0
    let maxLineBytes: Int

    init(fileDescriptor: Int32, closeOnDeinit: Bool, blockSize: Int = 1 << 18, maxLineBytes: Int = 16 << 20) {
        fd = fileDescriptor
        self.closeOnDeinit = closeOnDeinit
        block = [UInt8](repeating: 0, count: blockSize)
        self.maxLineBytes = maxLineBytes
    }

    deinit {
        if closeOnDeinit { close(fd) }
    }

    /// The next line, or `nil` at the end of the input.
    func next() throws -> Line? {
        var line: [UInt8] = []
        var truncated = false
        var sawAny = false
        while true {
            if start == end {
                if eof { break }
                try fill()
                if start == end { break }
            }
            sawAny = true
            let found = Self.newline(in: block, from: start, to: end)
            let stop = found ?? end
            let room = maxLineBytes - line.count
            if room > 0 {
                line.append(contentsOf: block[start..<min(stop, start + room)])
            }
            if stop - start > room { truncated = true }
            start = found.map { $0 + 1 } ?? end
            if found != nil {
                lineNumber += 1
                if line.last == 0x0D { line.removeLast() }
                return Line(number: lineNumber, bytes: line, truncated: truncated)
            }
        }
        guard sawAny, !line.isEmpty || truncated else { return nil }
        lineNumber += 1
        if line.last == 0x0D { line.removeLast() }
        return Line(number: lineNumber, bytes: line, truncated: truncated)
    }

    /// Where the first LF in `block[from..<to]` is, read through the block's `Span` (no pointer).
    private static func newline(in block: [UInt8], from: Int, to: Int) -> Int? {
        let bytes = block.span
        var i = from
        while i < to {
            if bytes[i] == 0x0A { return i }
            i += 1
        }
        return nil
    }

    /// Fills the block with read(2): a system call, the one pointer use left here (C interop).
    private func fill() throws {
        start = 0
        end = 0
        var n: Int
        repeat {
            n = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        } while n < 0 && errno == EINTR // interrupted by a signal: not the end of the input
        if n < 0 {
            throw InputError.unreadable(path: "input", reason: String(cString: strerror(errno)))
        }
        if n == 0 { eof = true }
        end = n
    }
}
