
/// Puts results that finish out of order back into input order.
///
/// Rows are numbered 1, 2, 3 … without gaps, and each must arrive exactly once. `insert` returns
/// the values that can now be written in order (possibly none, possibly many).
///
/// Memory: the buffer holds only the rows that finished ahead of the first unfinished one, so it
/// is bounded by how far completion can run ahead of the oldest row in flight. The dispatcher
/// bounds that (about concurrency × chunk size × open buckets of the planner, plus rows that
/// need no call), not the size of the file.
public struct ReorderBuffer<Value> {
    /// The next row to be emitted.
    public private(set) var nextRow: Int
    private var waiting = RowRing<Value>()

    /// - Parameter firstRow: the number of the first row (1 unless the caller skips a prefix).
    public init(firstRow: Int = 1) {
        nextRow = firstRow
    }

    /// Rows received but not yet emitted (waiting for an earlier row).
    public var pending: Int { waiting.count }

    /// Records the result of `row` and returns every value that is now next in input order.
    /// - Throws: `ReorderBufferError.duplicate` for a row already received or emitted (a bug in
    ///   the caller: a row reported twice would appear twice in the report).
    public mutating func insert(row: Int, value: consuming Value) throws(ReorderBufferError) -> [Value] {
        guard row >= nextRow, !waiting.contains(row) else { throw .duplicate(row: row) }
        if row != nextRow {
            waiting.insert(consume value, at: row)
            return []
        }
        // Appended, not an array literal: `[consume value]` copied the value into the array and
        // destroyed the original (issue 17: an import row is some 30 strings).
        var ready: [Value] = []
        ready.append(consume value)
        nextRow += 1
        while !waiting.isEmpty, let next = waiting.remove(nextRow) {
            ready.append(next)
            nextRow += 1
        }
        return ready
    }

    /// Takes every value still waiting behind a gap, in row order: what a stopped run can still
    /// report after the rows it never finished.
    public mutating func drain() -> [Value] {
        waiting.drain()
    }
}

extension ReorderBuffer: Sendable where Value: Sendable {}

/// A misuse of `ReorderBuffer`.
public enum ReorderBufferError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The row was inserted before (it is waiting or was already emitted).
    case duplicate(row: Int)

    /// The message, naming the row.
    public var description: String {
        switch self {
        case .duplicate(let row): "internal error: result for row \(row) arrived twice"
        }
    }
}
