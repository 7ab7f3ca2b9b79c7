import Foundation

/// Byte-level helpers that turn a cell into the text a field holds: bounds-checked `Span`s and
/// offsets, no pointers.
enum CellText {
    /// The cell's range without surrounding spaces and tabs (empty when blank).
    @inline(__always)
    static func trimmedRange(_ bytes: Span<UInt8>) -> Range<Int> {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return start..<end
    }

    /// `range` without the `'` our own CSV writers put before `=`, `+`, `-`, `@`, tab or CR, so an
    /// unchanged export imports unchanged.
    @inline(__always)
    static func unguardedRange(_ bytes: Span<UInt8>, _ range: Range<Int>) -> Range<Int> {
        guard range.count >= 2, bytes[range.lowerBound] == 0x27 else { return range }
        switch bytes[range.lowerBound + 1] {
        case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D: return range.lowerBound + 1..<range.upperBound
        default: return range
        }
    }

    /// The value a cell gives a field: trimmed of spaces and tabs, then unguarded.
    @inline(__always)
    static func valueRange(_ bytes: Span<UInt8>) -> Range<Int> { unguardedRange(bytes, trimmedRange(bytes)) }

    /// The bytes at `range` as a `String` (they are valid UTF-8: the readers checked), or `nil`
    /// when the range is empty.
    static func text(_ bytes: Span<UInt8>, _ range: Range<Int>) -> String? {
        guard !range.isEmpty else { return nil }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(range.count)
        for i in range { utf8.append(bytes[i]) }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The cell without surrounding white space (what `trimmingCharacters(in:
    /// .whitespacesAndNewlines)` removes), or `nil` when blank. Scalar by scalar from each end, the
    /// usual ASCII text decided without Foundation's `CharacterSet` and an untouched text returned
    /// as it is: `trimmingCharacters` built a new `String` per call (4 % of `import`'s client CPU).
    static func trimmed(_ text: String) -> String? {
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start {
            let before = scalars.index(before: end)
            guard isSpace(scalars[before]) else { break }
            end = before
        }
        if start == end { return nil }
        if start == scalars.startIndex && end == scalars.endIndex { return text }
        return String(Substring(scalars[start..<end]))
    }

    /// Whether `trimmingCharacters(in: .whitespacesAndNewlines)` would remove the scalar: for
    /// ASCII, TAB through CR and space.
    @inline(__always)
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x80 ? s.value == 0x20 || (s.value >= 0x09 && s.value <= 0x0D) : CharacterSet.whitespacesAndNewlines.contains(s)
    }

    /// A `serviceIds` cell's ids (the bytes at `range`, split by ``list(_:)``), or `nil` when it
    /// names none: a cell of separators only is blank, as an empty list would mean "every service".
    @inline(never) // rare: kept out of the readers' per-cell loops
    static func serviceIds(_ bytes: Span<UInt8>, _ range: Range<Int>) -> [String]? {
        guard let text = text(bytes, range) else { return nil }
        let ids = list(text)
        return ids.isEmpty ? nil : ids
    }

    /// Splits a `serviceIds` cell on `;` or `,`, dropping blanks.
    static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == ";" || $0 == "," }).compactMap { trimmed(String($0)) }
    }
}
