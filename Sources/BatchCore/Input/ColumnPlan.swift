import BatchModel

/// What each input column sets in a ``RowArena`` row, for a header under which no cell can
/// replace or drop another: no field is named by two columns, no column is `serviceIds` (a side
/// table) and at most eight columns name a field (every entry fits in ``ArenaRow/inline``).
///
/// With such a header, ``CSVRecordSource`` fills an unquoted record's row in one loop of plain
/// stores into locals: no `has`/`remove` look-up, no entry-count check against the overflow and no
/// switch per cell, which ``RowArena/setCell(_:_:start:end:)`` needs for any header (issue 17:
/// ~75 instructions a cell). Rows come out the same: same entries in the same order, masks and
/// hot entries. `nil` from ``init(_:)``: the header needs the general path.
struct ColumnPlan {
    /// Per column: the field's ordinal in the low byte (``unmapped`` for a column naming no
    /// field), and in the high byte which of the row's hot entries it is (``Hot``).
    let columns: [UInt16]

    /// The low byte of a column naming no field.
    static let unmapped: UInt16 = 0xFF

    /// Indices of the hot entries (``ArenaRow/nameEntry`` and its neighbours) in the fill loop's
    /// local array; `none` is a slot written and never read.
    enum Hot {
        static let name: UInt16 = 0, email: UInt16 = 1, id: UInt16 = 2, google: UInt16 = 3, outlook: UInt16 = 4
        static let none: UInt16 = 5
    }

    /// The plan for a header mapping its columns to `fields`, or `nil` when a field is named twice,
    /// a column is `serviceIds` or more than eight columns name fields.
    init?(_ fields: [ResourceField?]) {
        var seen: UInt64 = 0
        var mapped = 0
        var columns: [UInt16] = []
        columns.reserveCapacity(fields.count)
        for field in fields {
            guard let field else {
                columns.append(Self.unmapped | Hot.none << 8)
                continue
            }
            let bit: UInt64 = 1 &<< UInt64(field.ordinal)
            guard field != .serviceIds, seen & bit == 0 else { return nil }
            seen |= bit
            mapped += 1
            guard mapped <= 8 else { return nil }
            let hot: UInt16 = switch field {
            case .name: Hot.name
            case .email: Hot.email
            case .id: Hot.id
            case .googleCalendarId: Hot.google
            case .outlookCalendarId: Hot.outlook
            default: Hot.none
            }
            columns.append(UInt16(field.ordinal) | hot << 8)
        }
        self.columns = columns
    }
}
