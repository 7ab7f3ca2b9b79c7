import BatchModel

/// One row of a ``RowArena``: plain values only, no reference, so that a batch of rows is filled,
/// handed between threads, written out and emptied with no retain, release, copy of a text or
/// destructor per row (issue 17 point 2: `validate` spent ~15 % of its instructions moving and
/// destroying 290-byte rows holding arrays and strings).
///
/// Its cells are byte ranges in the arena's ``RowArena/bytes``, packed as ``ResourceInput``'s
/// entries are (`ordinal << 56 | start << 28 | end`, offsets into the batch's bytes); what does
/// not fit in a plain value (issues, a `serviceIds` list, entries past the eighth) sits in the
/// arena's side tables, named here by index.
public struct ArenaRow: Sendable {
    /// 1-based record number, header excluded: the report's `row`.
    public var row: Int
    /// Line of the input where the record starts: the report's `line`.
    public var line: Int
    /// Where the record's raw bytes sit in the arena (`rawStart < 0`: not kept).
    package var rawStart: Int32 = -1
    package var rawEnd: Int32 = -1
    /// Bit `ordinal` set: the field holds a value (as ``ResourceInput/present``).
    @usableFromInline package var present: UInt64 = 0
    /// Bit `ordinal` set: the row asks for the field to be cleared.
    @usableFromInline package var cleared: UInt64 = 0
    /// The first eight entries; the rest are `overflowCount` entries of the arena's `overflow`
    /// from `overflowStart`.
    @usableFromInline package var inline = InlineArray<8, UInt64>(repeating: 0)
    @usableFromInline package var inlineCount: Int32 = 0
    package var overflowStart: Int32 = 0
    @usableFromInline package var overflowCount: Int32 = 0
    /// The entries of the cells every row's report line, duplicate keys and hosting check read
    /// (0: the field holds nothing), kept apart so that they are found without a search.
    package var nameEntry: UInt64 = 0
    package var emailEntry: UInt64 = 0
    package var idEntry: UInt64 = 0
    @usableFromInline package var googleEntry: UInt64 = 0
    @usableFromInline package var outlookEntry: UInt64 = 0
    /// Whether a cell of the row is six bytes starting with `#`, so could be a clear marker
    /// (``ResourceInput/clearMarker``): without one the checks skip looking for them.
    @usableFromInline package var mayHoldClearMarker = false
    /// How many fields the record has (the errors file pads a short record to the header's width).
    public package(set) var fieldCount: Int32 = 0
    /// Index in the arena's `serviceIds`, or -1.
    @usableFromInline package var serviceIdsSlot: Int32 = -1
    /// Index in the arena's `issues`, or -1 for a row without issues.
    package var issueSlot: Int32 = -1

    // What the checks found (set by BatchRules).
    /// The calendar the row syncs with (Google's when both are given).
    public var provider: CalendarProvider?
    /// `calendarAvailability` as checked, or -1.
    package var availability: Int8 = -1
    /// Whether the provider's calendar id passed the e-mail syntax check.
    package var calendarIdIsValid = false
    /// Whether an issue of the row is an error.
    public package(set) var hasErrors = false
    /// Hashes of the duplicate keys (0: no such key) and the calendar domain's code (-1: none).
    package var emailHash: UInt64 = 0
    package var idHash: UInt64 = 0
    package var hostingDomain: Int32 = -1
    /// The earlier row this one repeats (0: none).
    public package(set) var duplicateOf = 0

    /// Inlined: made per record, called it zeroed a row aside (~30 instructions) that was then
    /// copied into the batch; inlined it is written where the row lands.
    @inline(__always)
    package init(row: Int, line: Int) {
        self.row = row
        self.line = line
    }

    /// The entry of `field`, or 0 (a given field's entry is never 0: its end is past its start);
    /// `overflow` is the arena's.
    @inline(__always)
    package func entry(_ field: ResourceField, overflow: [UInt64]) -> UInt64 {
        guard present & (1 &<< UInt64(field.ordinal)) != 0 else { return 0 }
        let entries8 = inline
        for k in 0..<min(Int(inlineCount), 8) where Int(entries8[k] >> 56) == field.ordinal { return entries8[k] }
        if overflowCount > 0 {
            let start = Int(overflowStart)
            for k in start..<start + Int(overflowCount) where Int(overflow[k] >> 56) == field.ordinal { return overflow[k] }
        }
        return 0
    }

    /// Sets the entries of ``nameEntry`` and its neighbours from the row's entries (after cells
    /// were set, replaced or cleared).
    package mutating func noteHotEntries(overflow: [UInt64]) {
        nameEntry = entry(.name, overflow: overflow)
        emailEntry = entry(.email, overflow: overflow)
        idEntry = entry(.id, overflow: overflow)
        googleEntry = entry(.googleCalendarId, overflow: overflow)
        outlookEntry = entry(.outlookCalendarId, overflow: overflow)
    }

    /// The entry of the provider's calendar id (0: none). Inlinable: read per row from other
    /// modules, where a call took a copy of the whole row.
    @inlinable @inline(__always)
    package var calendarEntry: UInt64 {
        switch provider {
        case .google?: googleEntry
        case .outlook?: outlookEntry
        case nil: 0
        }
    }

    /// Where an entry's bytes sit in the arena, or `nil` for 0 (no value). Inlinable: the
    /// report and the duplicate step call it per cell from other modules.
    @inlinable @inline(__always)
    package static func range(_ e: UInt64) -> Range<Int>? {
        guard e != 0 else { return nil }
        let (start, end) = ResourceInput.span(e)
        return start..<end
    }

    /// Whether the field holds a value.
    @inlinable @inline(__always)
    package func has(_ field: ResourceField) -> Bool { present & (1 &<< UInt64(field.ordinal)) != 0 }
}
