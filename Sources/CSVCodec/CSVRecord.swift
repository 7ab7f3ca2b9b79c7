/// One CSV record: its fields, where it starts, and optionally its raw bytes.
///
/// All field bytes live in one contiguous array with an array of field end offsets (like rust-csv's
/// `ByteRecord`), so reading a record allocates nothing once its storage has grown to size.
public struct CSVRecord: Sendable {
    /// The 1-based record number; the header is record 1.
    public var number: Int
    /// The line where the record starts.
    public var line: Int
    /// The 0-based byte offset where the record starts.
    public var byteOffset: Int
    /// The exact input bytes of the record without its line end; only with
    /// ``CSVReaderOptions/keepRawRecord``.
    public var rawBytes: [UInt8]?

    /// The UTF-8 bytes of all fields, one after the other.
    @usableFromInline internal var storage: [UInt8]
    /// `ends[i]` is the offset in ``storage`` just past field `i`.
    @usableFromInline internal var ends: [Int]

    /// An empty record, to be filled by ``CSVReader/readRecord(into:)``.
    public init() {
        number = 0
        line = 0
        byteOffset = 0
        rawBytes = nil
        storage = []
        ends = []
    }

    /// A record holding `fields`, e.g. to hand to ``CSVWriter``.
    public init(fields: some Sequence<String>) {
        self.init()
        for field in fields {
            storage.append(contentsOf: field.utf8)
            ends.append(storage.count)
        }
    }

    /// The number of fields.
    public var count: Int { ends.count }

    /// Field `i` (0-based) as a string.
    public subscript(i: Int) -> String {
        withFieldBytes(i) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of field `i` (0-based), without copying them; the fast
    /// way to inspect or compare a field.
    @inlinable
    public func withFieldBytes<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(i >= 0 && i < ends.count, "field index \(i) out of range 0..<\(ends.count)")
        let start = i == 0 ? 0 : ends[i - 1]
        let end = ends[i]
        return try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// All fields as strings.
    public var fields: [String] {
        (0..<count).map { self[$0] }
    }

    /// Removes all fields, keeping the storage for reuse.
    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        rawBytes = nil
    }
}
