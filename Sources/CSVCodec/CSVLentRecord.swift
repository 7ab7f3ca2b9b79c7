/// A record lent in place by ``CSVReader/readRecord(lending:)``: its fields are the reader's own
/// buffer, valid only during that call (do not keep the pointers).
///
/// Reading through it skips the copy of every field (and of the field ends) into a ``CSVRecord``.
public struct CSVLentRecord {
    /// The 1-based record number; the header is record 1.
    public let number: Int
    /// The line where the record starts.
    public let line: Int
    /// The 0-based byte offset where the record starts.
    public let byteOffset: Int
    /// The UTF-8 bytes of all fields, one after the other.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// `ends[i]` is the offset in ``bytes`` just past field `i`, which starts at `ends[i - 1]` (or 0).
    public let ends: UnsafeBufferPointer<Int>
    /// The record's raw bytes as read (without the line end), lent by
    /// ``CSVReader/readRecord(lendingRaw:)`` with ``CSVReaderOptions/keepRawRecord``; empty otherwise.
    public let raw: UnsafeBufferPointer<UInt8>

    /// The number of fields.
    @inlinable public var count: Int { ends.count }

    /// The bytes of field `i` (0-based).
    @inlinable
    public func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]])
    }
}
