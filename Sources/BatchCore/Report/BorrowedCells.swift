import BatchModel
import BatchRules

/// Where a cell of a validated row sits in the row's text buffer, read from the row where it lies
/// in a batch (`rows[i]` of a `Span`), touching only the input's trivial stored parts.
///
/// Why not `rows[i].record.input.withSpan(field)`: calling a method on an input reached through
/// the span (or a pointer) made the compiler copy the whole input first, a retain and a release
/// of each of its buffers per cell (measured: +6 % instructions for validate). Reading stored
/// properties of plain values copies nothing.
enum BorrowedCells {
    /// The byte range of `field` in `rows[i].record.input.bytes`, or `nil` when the field holds nothing.
    @inline(__always)
    static func bounds(_ field: ResourceField, _ rows: Span<ValidatedRow>, _ i: Int) -> Range<Int>? {
        guard rows[i].record.input.present & (1 << UInt64(field.ordinal)) != 0 else { return nil }
        // The inline entries read where they lie (a given field's entry is never 0: end > start).
        var e: UInt64 = 0
        for k in 0..<min(rows[i].record.input.inlineCount, 8) where Int(rows[i].record.input.inline[k] >> 56) == field.ordinal {
            e = rows[i].record.input.inline[k]
            break
        }
        if e == 0 { e = ResourceInput.overflowEntry(field, rows[i].record.input.overflow) }
        guard e != 0 else { return nil }
        let (start, end) = ResourceInput.span(e)
        return start..<end
    }
}
