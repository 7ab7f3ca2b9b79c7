/// Safe access to a lent record for code outside the codec: fields as bounds-checked `Span`s and
/// offsets, and a copy of a field's bytes into the caller's buffer, so that the stages read and
/// keep cells without touching the reader's pointers (issue 11: pointer-level code stays in
/// CSVCodec). Each method checks its indices against the record (``ends`` and ``bytes`` are the
/// reader's buffers, valid for the duration of the ``CSVReader/readRecord(lending:)`` call, which
/// is also the only time a `CSVLentRecord` exists).
extension CSVLentRecord {
    /// Bytes of all fields together.
    @inlinable public var byteCount: Int { bytes.count }

    /// Where field `i` (0-based) sits in the record's bytes.
    @inlinable
    public func fieldBounds(_ i: Int) -> Range<Int> {
        precondition(i >= 0 && i < count, "field index out of range")
        let start = i == 0 ? 0 : ends[i - 1]
        return start..<ends[i]
    }

    /// Calls `body` with field `i`'s bytes as a `Span`, which cannot outlive the call.
    @inlinable
    public func withField<R>(_ i: Int, _ body: (Span<UInt8>) throws -> R) rethrows -> R {
        let field = field(i) // bounds-checked against `ends` and `bytes` (a rebased slice)
        return try body(field.span)
    }

    /// How many raw bytes the record lends (``raw``).
    @inlinable public var rawCount: Int { raw.count }

    /// Appends the record's raw bytes (``raw``) to `out`: one copy.
    public func appendRaw(to out: inout [UInt8]) {
        out.append(contentsOf: raw)
    }

    /// Appends the bytes at `range` of field `i` (offsets within the field) to `out`: one copy,
    /// no per-byte append.
    public func appendField(_ i: Int, range: Range<Int>, to out: inout [UInt8]) {
        let field = field(i)
        precondition(range.lowerBound >= 0 && range.upperBound <= field.count, "range outside the field")
        out.append(contentsOf: UnsafeBufferPointer(rebasing: field[range]))
    }
}

extension CSVLentRecord {
    /// Calls `body` with the bytes of all fields and the fields' ends (``ends``) as `Span`s, which
    /// cannot outlive the call: a stage walks every field of a record with bounds-checked reads
    /// and one call, instead of one ``withField(_:_:)`` call (and rebased buffer) per field.
    @inlinable
    public func withSpans<R>(_ body: (Span<UInt8>, Span<Int>) throws -> R) rethrows -> R {
        try body(bytes.span, ends.span)
    }
}
