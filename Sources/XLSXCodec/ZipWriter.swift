/// Writes a ZIP archive front to back, deflating each entry as its bytes come.
///
/// Every entry's local header carries flag bit 3 and zero sizes; the CRC-32 and sizes follow the
/// data in a data descriptor, and again in the central directory at the end. So nothing is ever
/// sought back to, and the output may be a pipe. Without ZIP64, an entry or the archive beyond
/// 4 GiB (or 65,535 entries) is refused with a ``ZipError`` rather than written corrupt.
public final class ZipWriter {
    /// Where the archive's bytes go, in order.
    public typealias Output = ([UInt8]) throws -> Void

    private struct CentralRecord {
        var name: [UInt8]
        var crc: UInt32
        var compressedSize: UInt32
        var size: UInt32
        var offset: UInt32
    }

    private let output: Output
    private var offset: UInt64 = 0
    private var records: [CentralRecord] = []
    private var current: (name: String, nameBytes: [UInt8], offset: UInt64)?
    private var deflater = Deflater()
    private var crc = CRC32()
    private var size: UInt64 = 0
    private var compressedSize: UInt64 = 0
    private var pending: [UInt8] = []
    private var closed = false
    /// What 32-bit ZIP fields hold: the most an entry or the archive may reach here.
    public static let maxSize = UInt64(UInt32.max)
    /// ``maxSize``, or less for tests of what happens beyond it.
    private let limit: UInt64
    static let flushSize = 1 << 16

    public init(output: @escaping Output, limit: UInt64 = ZipWriter.maxSize) {
        self.output = output
        self.limit = min(limit, Self.maxSize)
        pending.reserveCapacity(Self.flushSize * 2)
    }

    private func emit(_ bytes: [UInt8]) throws {
        try output(bytes)
        offset += UInt64(bytes.count)
    }

    /// Starts an entry named `name` (a path with `/`, stored as UTF-8).
    public func beginEntry(_ name: String) throws {
        precondition(current == nil && !closed, "ZipWriter.beginEntry inside an entry or after close")
        guard records.count < 65_535 else { throw ZipError(entry: name, reason: "more than 65,535 entries need ZIP64") }
        guard offset < limit else { throw ZipError(entry: name, reason: "the archive would exceed 4 GiB, which needs ZIP64") }
        let nameBytes = Array(name.utf8)
        var h: [UInt8] = []
        h.le32(0x0403_4B50)
        h.le16(20) // version needed: 2.0 (deflate)
        h.le16(0x0808) // bit 3: sizes in the data descriptor; bit 11: UTF-8 name
        h.le16(8) // deflate
        h.le16(0) // time 00:00
        h.le16(0x21) // date 1980-01-01: the same bytes for the same rows
        h.le32(0); h.le32(0); h.le32(0)
        h.le16(UInt16(nameBytes.count))
        h.le16(0)
        h += nameBytes
        current = (name, nameBytes, offset)
        try emit(h)
        deflater = Deflater()
        crc = CRC32()
        size = 0
        compressedSize = 0
    }

    /// Adds bytes to the current entry.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// With `checksum: false` the caller computes the entry's CRC-32 itself and gives it to
    /// ``endEntry(crc:)`` (``ThreadedZipWriter`` does so on a thread of its own).
    public func write(_ bytes: UnsafeRawBufferPointer, checksum: Bool = true) throws {
        guard let entry = current else { preconditionFailure("ZipWriter.write outside an entry") }
        if checksum { crc.update(bytes) }
        size += UInt64(bytes.count)
        guard size <= limit else { throw ZipError(entry: entry.name, reason: "larger than 4 GiB, which needs ZIP64") }
        deflater.write(bytes, into: &pending)
        if pending.count >= Self.flushSize { try flushPending() }
    }

    private func flushPending() throws {
        compressedSize += UInt64(pending.count)
        if let entry = current, compressedSize > limit || offset + UInt64(pending.count) > limit {
            throw ZipError(entry: entry.name, reason: "the archive would exceed 4 GiB, which needs ZIP64")
        }
        try emit(pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// Ends the current entry with its data descriptor.
    /// Ends the current entry; `crc`: the CRC-32 of its bytes when they were written with
    /// `checksum: false`.
    public func endEntry(crc given: UInt32? = nil) throws {
        guard let entry = current else { preconditionFailure("ZipWriter.endEntry outside an entry") }
        if let given { crc = CRC32(value: given) }
        deflater.finish(into: &pending)
        try flushPending()
        var d: [UInt8] = []
        d.le32(0x0807_4B50)
        d.le32(crc.value)
        d.le32(UInt32(compressedSize))
        d.le32(UInt32(size))
        try emit(d)
        records.append(CentralRecord(name: entry.nameBytes, crc: crc.value, compressedSize: UInt32(compressedSize),
                                     size: UInt32(size), offset: UInt32(entry.offset)))
        current = nil
    }

    /// A whole entry at once.
    public func addEntry(_ name: String, _ bytes: [UInt8]) throws {
        try beginEntry(name)
        try write(bytes)
        try endEntry()
    }

    /// Writes the central directory; the archive is complete after this.
    public func close() throws {
        guard !closed else { return }
        if current != nil { try endEntry() }
        closed = true
        let start = offset
        var cd: [UInt8] = []
        for r in records {
            cd.le32(0x0201_4B50)
            cd.le16(20); cd.le16(20)
            cd.le16(0x0808); cd.le16(8); cd.le16(0); cd.le16(0x21)
            cd.le32(r.crc); cd.le32(r.compressedSize); cd.le32(r.size)
            cd.le16(UInt16(r.name.count)); cd.le16(0); cd.le16(0)
            cd.le16(0); cd.le16(0); cd.le32(0)
            cd.le32(r.offset)
            cd += r.name
        }
        guard start + UInt64(cd.count) < limit else {
            throw ZipError(entry: "", reason: "the archive would exceed 4 GiB, which needs ZIP64")
        }
        cd.le32(0x0605_4B50)
        cd.le16(0); cd.le16(0)
        cd.le16(UInt16(records.count)); cd.le16(UInt16(records.count))
        cd.le32(UInt32(cd.count - 0)) // patched below: the size of the directory proper
        cd.le32(UInt32(start))
        cd.le16(0)
        let directorySize = UInt32(cd.count - 22)
        cd.replaceSubrange(cd.count - 10 ..< cd.count - 6, with: directorySize.littleEndianBytes)
        try emit(cd)
    }
}

extension UInt32 {
    var littleEndianBytes: [UInt8] { [UInt8(self & 0xFF), UInt8(self >> 8 & 0xFF), UInt8(self >> 16 & 0xFF), UInt8(self >> 24)] }
}

extension [UInt8] {
    mutating func le16(_ v: UInt16) {
        append(UInt8(v & 0xFF))
        append(UInt8(v >> 8))
    }

    mutating func le32(_ v: UInt32) {
        append(contentsOf: v.littleEndianBytes)
    }
}
