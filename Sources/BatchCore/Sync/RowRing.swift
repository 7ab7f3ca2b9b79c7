/// Values keyed by row number, held for a while: the rows waiting for an answer, or finished
/// ahead of an earlier row. Rows are numbers close to one another (the import keeps at most its
/// backlog in flight), so each lives in a ring of slots at `row & mask`, and putting, finding and
/// taking one is an index instead of a hash (issue 17: two dictionaries keyed by row hashed each
/// row about seven times, ~1,000 instructions a row).
///
/// Invariants: `slots.count` is 0 or a power of two; when `count > 0`, every held row lies in
/// `low...high`, `low` is held, and `high - low < slots.count`, so no two held rows share a slot.
struct RowRing<Value> {
    private var slots: [Value?] = []
    /// The lowest row held (meaningful while `count > 0`).
    private var low = 0
    /// At least the highest row held (meaningful while `count > 0`).
    private var high = 0
    /// Rows held.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    func contains(_ row: Int) -> Bool {
        guard count > 0, row >= low, row <= high else { return false }
        return slots[row & (slots.count - 1)] != nil
    }

    /// Holds `value` for `row`, in place of the value held for it before, if any.
    mutating func insert(_ value: consuming Value, at row: Int) {
        if contains(row) {
            slots[row & (slots.count - 1)] = consume value
            return
        }
        let newLow = count == 0 ? row : min(low, row)
        let newHigh = count == 0 ? row : max(high, row)
        if newHigh - newLow >= slots.count { grow(toHold: newHigh - newLow + 1) }
        low = newLow
        high = newHigh
        slots[row & (slots.count - 1)] = consume value
        count += 1
    }

    /// Takes the value of `row` out, or nil when the row is not held.
    mutating func remove(_ row: Int) -> Value? {
        guard contains(row) else { return nil }
        let mask = slots.count - 1
        let value = slots[row & mask].take()
        count -= 1
        if count > 0 && row == low {
            // The next held row is the new low (each row number is passed once while rows are held).
            while slots[low & mask] == nil { low += 1 }
        }
        return value
    }

    /// Takes every value out, in row order.
    mutating func drain() -> [Value] {
        var values: [Value] = []
        guard count > 0 else { return values }
        values.reserveCapacity(count)
        let mask = slots.count - 1
        for row in low...high {
            if let value = slots[row & mask].take() { values.append(value) }
        }
        count = 0
        return values
    }

    /// Moves the held values into a ring of at least `span` slots (a power of two).
    private mutating func grow(toHold span: Int) {
        var size = max(64, slots.count)
        while size < span { size *= 2 }
        var old: [Value?] = Array(repeating: nil, count: size)
        swap(&old, &slots)
        guard count > 0 else { return }
        let oldMask = old.count - 1, mask = size - 1
        // The rows held before this insert, all within `low...high` (not yet widened).
        for row in low...high {
            let i = row & oldMask
            guard old[i] != nil else { continue }
            slots[row & mask] = old[i].take()
        }
    }
}

extension RowRing: Sendable where Value: Sendable {}
