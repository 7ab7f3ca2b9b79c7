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

    /// The number of fields.
    public internal(set) var count: Int

    /// The UTF-8 bytes of all fields, one after the other; may be longer than used (it only grows,
    /// so that a reused record copies without reallocating).
    @usableFromInline internal var storage: [UInt8]
    /// `ends[i]` is the offset in ``storage`` just past field `i`, for `i < count`; may be longer than ``count``.
    @usableFromInline internal var ends: [Int]

    /// An empty record, to be filled by ``CSVReader/readRecord(into:)``.
    public init() {
        number = 0
        line = 0
        byteOffset = 0
        rawBytes = nil
        count = 0
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
        count = ends.count
    }

    /// Field `i` (0-based) as a string.
    public subscript(i: Int) -> String {
        withFieldBytes(i) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of field `i` (0-based), without copying them; the fast
    /// way to inspect or compare a field.
    @inlinable
    public func withFieldBytes<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(i >= 0 && i < count, "field index \(i) out of range 0..<\(count)")
        let start = i == 0 ? 0 : ends[i - 1]
        let end = ends[i]
        return try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// The bytes of all fields together (delimiters, quotes and line end not counted).
    @inlinable
    public var byteCount: Int { count == 0 ? 0 : ends[count - 1] }

    /// All fields as strings.
    public var fields: [String] {
        (0..<count).map { self[$0] }
    }

    /// Removes all fields, keeping the storage for reuse.
    public mutating func removeAll() {
        count = 0
        rawBytes = nil
    }
}
