#if canImport(Glibc)
import Glibc
#endif

/// Reads a ZIP archive from a file: the central directory up front, each entry streamed and
/// inflated on demand, its CRC-32 and size checked at its end.
///
/// Written for files from anywhere: every offset and size is checked against the file before it
/// is used; ZIP64, encryption and methods other than stored and deflate are refused; an entry
/// whose declared size exceeds `limit` is refused before it is inflated, and one that inflates
/// beyond its declared size stops there. Errors are ``ZipError``s naming the entry.
public final class ZipReader {
    public let path: String
    public let entries: [ZipEntry]
    private let fd: Int32
    private let fileSize: Int
    /// Where the central directory starts: no entry's data may reach past it.
    private let directoryStart: Int
    /// The most an entry may inflate to.
    public let limit: Int

    /// Opens `path` and reads its central directory.
    public init(path: String, limit: Int = 1 << 30) throws {
        self.path = path
        self.limit = limit
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ZipError(entry: "", reason: "cannot open \(path): \(String(cString: strerror(errno)))") }
        self.fd = fd
        do {
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw ZipError(entry: "", reason: "cannot read \(path)") }
            fileSize = Int(st.st_size)
            (entries, directoryStart) = try Self.readDirectory(fd: fd, fileSize: fileSize)
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    public func entry(named name: String) -> ZipEntry? { entries.first { $0.name == name } }

    /// Reads `count` bytes at `offset`, which must lie within the file.
    static func read(fd: Int32, at offset: Int, count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw ZipError(entry: "", reason: "the file ends before its ZIP structures do") }
            done += n
        }
        return out
    }

    static func u16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
    static func u32(_ b: [UInt8], _ i: Int) -> Int { u16(b, i) | u16(b, i + 2) << 16 }

    private static func readDirectory(fd: Int32, fileSize: Int) throws -> ([ZipEntry], Int) {
        let broken = { (reason: String) in ZipError(entry: "", reason: "broken central directory: \(reason)") }
        guard fileSize >= 22 else { throw ZipError(entry: "", reason: "not a ZIP archive (an .xlsx is one): too short") }
        // The end record is within the last 22 + 65,535 bytes (its comment is at most that long).
        let tailSize = min(fileSize, 22 + 65_535)
        let tail = try read(fd: fd, at: fileSize - tailSize, count: tailSize)
        var end = -1
        var i = tailSize - 22
        while i >= 0 {
            if tail[i] == 0x50, tail[i + 1] == 0x4B, tail[i + 2] == 5, tail[i + 3] == 6 { end = i; break }
            i -= 1
        }
        guard end >= 0 else { throw ZipError(entry: "", reason: "not a ZIP archive (an .xlsx is one): no end of central directory") }
        let count = u16(tail, end + 10), size = u32(tail, end + 12), offset = u32(tail, end + 16)
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            throw ZipError(entry: "", reason: "ZIP64 archives are not supported")
        }
        guard u16(tail, end + 4) == 0, u16(tail, end + 6) == 0, u16(tail, end + 8) == count else {
            throw ZipError(entry: "", reason: "archives split over several disks are not supported")
        }
        let endOffset = fileSize - tailSize + end
        guard offset + size <= endOffset, size >= count * 46 else { throw broken("it does not fit in the file") }
        let directory = try read(fd: fd, at: offset, count: size)
        var entries: [ZipEntry] = []
        var p = 0
        for n in 0..<count {
            guard p + 46 <= size, u32(directory, p) == 0x0201_4B50 else { throw broken("entry \(n + 1) has no valid header") }
            let nameLength = u16(directory, p + 28), extraLength = u16(directory, p + 30), commentLength = u16(directory, p + 32)
            guard p + 46 + nameLength + extraLength + commentLength <= size else { throw broken("entry \(n + 1) runs past the directory") }
            let name = String(decoding: directory[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            let entry = ZipEntry(name: name, method: u16(directory, p + 10), flags: u16(directory, p + 8),
                                 crc: UInt32(u32(directory, p + 16)), compressedSize: u32(directory, p + 20),
                                 size: u32(directory, p + 24), localHeaderOffset: u32(directory, p + 42))
            if entry.compressedSize == 0xFFFF_FFFF || entry.size == 0xFFFF_FFFF || entry.localHeaderOffset == 0xFFFF_FFFF {
                throw ZipError(entry: name, reason: "ZIP64 entries are not supported")
            }
            guard entry.localHeaderOffset + 30 + entry.compressedSize <= offset else {
                throw broken("the data of \(name) does not lie before the directory")
            }
            entries.append(entry)
            p += 46 + nameLength + extraLength + commentLength
        }
        return (entries, offset)
    }

    /// Streams the inflated bytes of `entry` to `body`, in pieces of up to 64 KiB, then checks
    /// its size and CRC-32. `body` returns `false` to stop early (nothing more is checked then).
    public func stream(_ entry: ZipEntry, _ body: ([UInt8]) throws -> Bool) throws {
        let reader = try openEntry(entry)
        var chunk: [UInt8] = []
        while try reader.read(into: &chunk) {
            if try !body(chunk) { return }
        }
    }

    /// The whole inflated entry (for small parts: the workbook, its relationships, styles).
    public func contents(of entry: ZipEntry) throws -> [UInt8] {
        var all: [UInt8] = []
        try stream(entry) { all += $0; return true }
        return all
    }

    /// A reader of `entry`'s inflated bytes.
    public func openEntry(_ entry: ZipEntry) throws -> ZipEntryReader {
        let name = entry.name
        guard entry.flags & 1 == 0 else { throw ZipError(entry: name, reason: "encrypted entries are not supported") }
        guard entry.method == 0 || entry.method == 8 else {
            throw ZipError(entry: name, reason: "compression method \(entry.method) is not supported (only stored and deflate)")
        }
        guard entry.size <= limit else {
            throw ZipError(entry: name, reason: "would inflate to \(entry.size) bytes, more than the limit of \(limit)")
        }
        let header = try Self.read(fd: fd, at: entry.localHeaderOffset, count: 30)
        guard Self.u32(header, 0) == 0x0403_4B50 else { throw ZipError(entry: name, reason: "no local header where the directory says") }
        let dataStart = entry.localHeaderOffset + 30 + Self.u16(header, 26) + Self.u16(header, 28)
        guard dataStart + entry.compressedSize <= directoryStart else {
            throw ZipError(entry: name, reason: "its data runs past the central directory")
        }
        return ZipEntryReader(entry: entry, fd: fd, dataStart: dataStart, owner: self)
    }
}

/// The inflated bytes of one entry, read piece by piece; checks size and CRC-32 at the end.
public final class ZipEntryReader {
    public let entry: ZipEntry
    private let owner: ZipReader // keeps the descriptor open
    private var inflater: Inflater?
    private var storedOffset = 0
    private let fd: Int32
    private let dataStart: Int
    private var crc = CRC32()
    private var produced = 0
    private var finished = false

    init(entry: ZipEntry, fd: Int32, dataStart: Int, owner: ZipReader) {
        self.entry = entry
        self.fd = fd
        self.dataStart = dataStart
        self.owner = owner
        if entry.method == 8 {
            var consumed = 0
            let total = entry.compressedSize
            inflater = Inflater(limit: entry.size) { buffer in
                guard consumed < total else { return false }
                let n = min(1 << 16, total - consumed)
                buffer = try ZipReader.read(fd: fd, at: dataStart + consumed, count: n)
                consumed += n
                return true
            }
        }
    }

    /// Replaces `chunk` with the next bytes (up to about 64 KiB); `false` at the end, once the
    /// size and CRC-32 have been checked.
    public func read(into chunk: inout [UInt8]) throws -> Bool {
        chunk.removeAll(keepingCapacity: true)
        guard !finished else { return false }
        do {
            if inflater != nil {
                _ = try inflater!.read(into: &chunk, atMost: 1 << 16)
                if chunk.isEmpty, !inflater!.isFinished {
                    throw ZipError(entry: entry.name, reason: "the compressed data ends before its last block")
                }
            } else {
                let n = min(1 << 16, entry.compressedSize - storedOffset)
                if n > 0 {
                    chunk = try ZipReader.read(fd: fd, at: dataStart + storedOffset, count: n)
                    storedOffset += n
                }
            }
        } catch let error as ZipError {
            throw ZipError(entry: entry.name, reason: error.reason)
        }
        produced += chunk.count
        if chunk.isEmpty {
            finished = true
            guard produced == entry.size else {
                throw ZipError(entry: entry.name, reason: "inflates to \(produced) bytes, not the \(entry.size) its directory says")
            }
            guard crc.value == entry.crc else { throw ZipError(entry: entry.name, reason: "CRC-32 mismatch: the data is damaged") }
            return false
        }
        crc.update(chunk)
        return true
    }
}
