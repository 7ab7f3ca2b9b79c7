/// One input row as typed cells: each field's text, or `nil` when the cell was blank or absent.
///
/// Blank means "not given", so an update never erases a field because a cell was empty.
///
/// The texts of the given fields live one after another in a single UTF-8 buffer, with a 64-bit
/// mask saying which fields are given and one packed entry (field, start, end) per given field.
/// A row therefore costs two small allocations however many fields the format has, asking for an
/// absent field is one bit test, and a `String` is made only for the fields someone reads
/// (`validate` never reads `description`, phones or addresses). Byte-level checks use
/// ``withSpan(_:_:)`` and make no `String` at all. No pointer is used here (issue 11): the text
/// is read through `Span`s, the entries through an `InlineArray`.
public struct ResourceInput: Sendable {
    /// The UTF-8 texts of the given fields (including bytes of replaced values, never read).
    @usableFromInline package internal(set) var bytes: [UInt8] = []
    /// One per given field: `ordinal << 56 | start << 28 | end`, offsets into `bytes`. The first
    /// eight live inline (no allocation for a typical row), the rest in `overflow`.
    @usableFromInline package internal(set) var inline = InlineArray<8, UInt64>(repeating: 0)
    @usableFromInline package internal(set) var inlineCount = 0
    @usableFromInline package internal(set) var overflow: [UInt64] = []
    private static let inlineCapacity = 8
    /// Bit `ordinal` is set when the field holds a value.
    @usableFromInline package internal(set) var present: UInt64 = 0
    /// `serviceIds` as given: `;`-separated in CSV, an array in JSONL. Kept apart so JSONL arrays survive.
    public var serviceIds: [String]?
    /// Bit `ordinal` is set when the row asks for the field to be cleared (`#clear` in CSV, `null`
    /// in JSON Lines): such a field holds no value, and the update sends it empty.
    @usableFromInline package internal(set) var clearedMask: UInt64 = 0

    /// Set by a batch's reader that saw no cell a clear marker could be (none of six bytes
    /// starting with `#`): ``takeClearMarkers()`` then has nothing to look at.
    @usableFromInline package var clearMarkersRuledOut = false

    /// Where the record's raw bytes (``SourceRecord/raw``) sit in `bytes`, when kept there.
    private var rawStart = -1
    private var rawEnd = -1

    @usableFromInline internal static let offsetLimit = 1 << 28

    public init() {}

    /// A view of one row of a batch whose bytes live in a buffer shared by the whole batch (a
    /// ``RowArena`` of BatchInput): `bytes` is that buffer (shared, not copied: one retain), the
    /// entries' offsets point into it. The checks read a view exactly as they read a row of its
    /// own; what they change (``takeClearMarkers()``) is in the entries and masks, which the
    /// batch reads back. Nothing may append to a view's bytes (that would copy the batch's buffer).
    package init(sharing bytes: [UInt8], present: UInt64, cleared: UInt64, inline: InlineArray<8, UInt64>,
                 inlineCount: Int, overflow: [UInt64], serviceIds: [String]?) {
        self.bytes = bytes
        self.present = present
        self.clearedMask = cleared
        self.inline = inline
        self.inlineCount = inlineCount
        self.overflow = overflow
        self.serviceIds = serviceIds
    }

    /// Makes a view (``init(sharing:present:cleared:inline:inlineCount:overflow:serviceIds:)``)
    /// show another row of the same batch: the shared bytes stay, the entries and masks are
    /// replaced. One view then serves a whole batch (a view made per row cost ~350 instructions).
    package mutating func reload(present: UInt64, cleared: UInt64, inline: InlineArray<8, UInt64>, inlineCount: Int,
                                 overflow: [UInt64], serviceIds: [String]?) {
        reload(present: present, cleared: cleared, inline: inline, inlineCount: inlineCount)
        if !overflow.isEmpty { self.overflow = overflow }
        if serviceIds != nil { self.serviceIds = serviceIds }
    }

    /// ``reload(present:cleared:inline:inlineCount:overflow:serviceIds:)`` for a row without
    /// overflow entries or `serviceIds`: the arrays are emptied only if the previous row had any.
    /// Inlinable: the batch checks call it per row from another module.
    @inlinable
    package mutating func reload(present: UInt64, cleared: UInt64, inline: InlineArray<8, UInt64>, inlineCount: Int) {
        self.present = present
        self.clearedMask = cleared
        self.inline = inline
        self.inlineCount = inlineCount
        if !overflow.isEmpty { overflow = [] }
        if serviceIds != nil { serviceIds = nil }
    }

    /// Room for `bytes` bytes of text and `fields` fields, so that filling a row allocates once each.
    package mutating func reserve(bytes count: Int, fields: Int) {
        bytes.reserveCapacity(count)
        if fields > Self.inlineCapacity { overflow.reserveCapacity(fields - Self.inlineCapacity) }
    }

    /// Takes the record's raw bytes as the text buffer itself (no copy): cells that appear in them
    /// as they are then point into them (``setInPlace(_:start:end:)``), the others are appended.
    package mutating func adoptRaw(_ raw: inout [UInt8]) {
        swap(&bytes, &raw)
        rawStart = 0
        rawEnd = bytes.count
    }

    /// Takes the text buffer out (the input is left empty), so that a spent row's buffer can be
    /// filled again by the reader instead of being freed and another allocated.
    package mutating func takeBuffer() -> [UInt8] {
        var out: [UInt8] = []
        swap(&out, &bytes)
        self = ResourceInput()
        return out
    }

    /// How many raw bytes ``adoptRaw(_:)`` kept (0 without).
    package var rawByteCount: Int { rawStart < 0 ? 0 : rawEnd - rawStart }

    /// Sets the field to `bytes[start..<end]`, bytes already in the buffer (see ``adoptRaw(_:)``);
    /// an empty range clears nothing and sets nothing, as an empty value does in the subscript's setter.
    package mutating func setInPlace(_ field: ResourceField, start: Int, end: Int) {
        if has(field) { remove(field) }
        guard end > start else { return }
        precondition(end < Self.offsetLimit, "a row's text is limited to 256 MiB")
        append(entry: UInt64(field.ordinal) << 56 | UInt64(start) << 28 | UInt64(end))
        present |= 1 &<< UInt64(field.ordinal)
    }

    /// The byte at `offset` of the row's text buffer (bounds-checked): how a source looks at the
    /// raw bytes ``adoptRaw(_:)`` kept.
    @inlinable @inline(__always)
    package func byte(at offset: Int) -> UInt8 { bytes[offset] }

    /// Sets the field to the bytes `append` adds at the end of the row's text buffer (valid
    /// UTF-8): the caller copies them in once (a source's ``CSVLentRecord/appendField``), with no
    /// pointer here. None added clears nothing and sets nothing, as an empty value does in
    /// ``set(_:utf8:)``.
    package mutating func set(_ field: ResourceField, appending append: (inout [UInt8]) -> Void) {
        if has(field) { remove(field) }
        let start = bytes.count
        append(&bytes)
        let end = bytes.count
        guard end > start else { return }
        precondition(end < Self.offsetLimit, "a row's text is limited to 256 MiB")
        self.append(entry: UInt64(field.ordinal) << 56 | UInt64(start) << 28 | UInt64(end))
        present |= 1 &<< UInt64(field.ordinal)
    }

    /// The entry of `field` in `overflow` (the entries past the eighth), or 0.
    @inlinable @inline(__always)
    package static func overflowEntry(_ field: ResourceField, _ overflow: [UInt64]) -> UInt64 {
        for e in overflow where Int(e >> 56) == field.ordinal { return e }
        return 0
    }

    /// Whether two fields hold the same bytes (both given). `mutating` only so that the row is
    /// read where it is: called on a borrowed row, the checks copied its 136 bytes and retained
    /// its buffer first, per row. Nothing is changed.
    package mutating func sameBytes(_ a: ResourceField, _ b: ResourceField) -> Bool {
        guard let ea = entry(a), let eb = entry(b) else { return false }
        let (s1, e1) = Self.span(ea)
        let (s2, e2) = Self.span(eb)
        guard e1 - s1 == e2 - s2 else { return false }
        // Eight bytes at a time through `RawSpan` loads (bounds-checked; "unsafe" in the name
        // only because a loaded type may have invalid bit patterns, which `UInt64` has not).
        let text = bytes.span.bytes
        let n = e1 - s1
        if n >= 8 {
            var i = 0
            while i &+ 8 < n {
                if text.unsafeLoadUnaligned(fromByteOffset: s1 &+ i, as: UInt64.self)
                    != text.unsafeLoadUnaligned(fromByteOffset: s2 &+ i, as: UInt64.self) { return false }
                i &+= 8
            }
            // The last eight bytes, overlapping the words before: no byte loop for the tail.
            return text.unsafeLoadUnaligned(fromByteOffset: s1 &+ n &- 8, as: UInt64.self)
                == text.unsafeLoadUnaligned(fromByteOffset: s2 &+ n &- 8, as: UInt64.self)
        }
        var i = 0
        while i < n {
            if bytes[s1 &+ i] != bytes[s2 &+ i] { return false }
            i &+= 1
        }
        return true
    }

    /// The raw bytes kept by ``adoptRaw(_:)``, if any.
    package var raw: [UInt8]? { rawStart < 0 ? nil : Array(bytes[rawStart..<rawEnd]) }

    package mutating func dropRaw() {
        rawStart = -1
        rawEnd = -1
    }

    /// Every entry, inline ones first.
    private var entries: [UInt64] {
        var all = (0..<inlineCount).map { inline[$0] }
        all += overflow
        return all
    }

    private mutating func append(entry: UInt64) {
        if inlineCount < Self.inlineCapacity {
            inline[inlineCount] = entry
            inlineCount += 1
        } else {
            overflow.append(entry)
        }
    }

    public subscript(field: ResourceField) -> String? {
        get {
            guard let e = entry(field) else { return nil }
            let (start, end) = Self.span(e)
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        set {
            if let v = newValue, !v.isEmpty {
                set(field) { $0.append(contentsOf: v.utf8) }
            } else {
                remove(field)
            }
        }
    }

    /// Whether the field holds a value (without making a `String`).
    @inlinable @inline(__always)
    public func has(_ field: ResourceField) -> Bool { present & (1 &<< UInt64(field.ordinal)) != 0 }

    /// Calls `body` with the field's UTF-8 bytes as a `Span` (bounds-checked, no pointer), or
    /// returns `nil` when the field holds nothing.
    @inlinable @inline(__always)
    public func withSpan<R>(_ field: ResourceField, _ body: (Span<UInt8>) throws -> R) rethrows -> R? {
        guard let e = entry(field) else { return nil }
        let (start, end) = Self.span(e)
        return try body(bytes.span.extracting(start..<end))
    }

    private mutating func remove(_ field: ResourceField) {
        guard has(field) else { return }
        let kept = entries.filter { Int($0 >> 56) != field.ordinal }
        inlineCount = 0
        overflow = []
        for e in kept { append(entry: e) }
        present &= ~(1 &<< UInt64(field.ordinal))
    }

    @inlinable @inline(__always)
    internal func entry(_ field: ResourceField) -> UInt64? {
        guard has(field) else { return nil }
        // Read in place (a local copy of the 64 bytes cost ~20 instructions per look-up).
        let ordinal = UInt64(field.ordinal)
        let n = min(inlineCount, 8)
        var i = 0
        while i < n {
            if inline[i] >> 56 == ordinal { return inline[i] }
            i &+= 1
        }
        for e in overflow where e >> 56 == ordinal { return e }
        return nil
    }

    @inlinable @inline(__always)
    package static func span(_ e: UInt64) -> (Int, Int) {
        (Int((e >> 28) & UInt64(offsetLimit - 1)), Int(e & UInt64(offsetLimit - 1)))
    }

    /// The cell text that asks for a field to be cleared in CSV (any case).
    public static let clearMarker = "#clear"

    /// Whether the row asks for this field to be cleared.
    @inlinable @inline(__always)
    public func isCleared(_ field: ResourceField) -> Bool { clearedMask & (1 &<< UInt64(field.ordinal)) != 0 }

    /// Asks for the field to be cleared: any value it held is dropped.
    public mutating func markCleared(_ field: ResourceField) {
        remove(field)
        clearedMask |= 1 &<< UInt64(field.ordinal)
    }

    /// The fields the row asks to clear, in column order.
    public var clearedFields: [ResourceField] {
        clearedMask == 0 ? [] : ResourceField.allCases.filter { isCleared($0) }
    }

    /// Turns every cell holding ``clearMarker`` (any case) into a cleared field. Cheap for the
    /// usual row: only a six-byte cell starting with `#` is looked at twice.
    /// Inlined up to the flag's test (inlinable: the checks are in another module): the usual
    /// batch row (markers ruled out) costs no call.
    @inlinable @inline(__always)
    package mutating func takeClearMarkers() {
        guard !clearMarkersRuledOut else { return }
        takeClearMarkersLookingAtCells()
    }

    /// ``takeClearMarkers()`` for a row whose cells may hold markers.
    @usableFromInline
    mutating func takeClearMarkersLookingAtCells() {
        guard mayHoldClearMarker() else { return } // the usual row: no array made or walked
        for field in clearMarkerFields() { markCleared(field) }
    }

    /// Whether some cell could be ``clearMarker`` (six bytes, the first `#`); allocates nothing.
    @inline(__always)
    private func mayHoldClearMarker() -> Bool {
        let entries8 = inline // 64 bytes of plain values, read once
        for i in 0..<min(inlineCount, 8) where could(entries8[i]) { return true }
        for e in overflow where could(e) { return true }
        return false
    }

    /// The fields holding ``clearMarker`` (any case), read in place.
    private func clearMarkerFields() -> [ResourceField] {
        var marked: [ResourceField] = []
        for e in entries where could(e) {
            let (start, end) = Self.span(e)
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            if text.lowercased() == Self.clearMarker, let field = ResourceField(rawValue: Int(e >> 56)) {
                marked.append(field)
            }
        }
        return marked
    }

    /// Whether the entry's cell could be ``clearMarker``: six bytes, the first `#`.
    @inline(__always)
    private func could(_ e: UInt64) -> Bool {
        let (start, end) = Self.span(e)
        return end - start == 6 && bytes[start] == 0x23
    }

    /// The fields that hold a value, in column order.
    public var givenFields: [ResourceField] {
        ResourceField.allCases.filter { has($0) }
    }
}

extension ResourceInput: Equatable {
    /// Equal when every field holds the same text (as `String`s compare) and `serviceIds` agree.
    public static func == (a: ResourceInput, b: ResourceInput) -> Bool {
        guard a.present == b.present, a.clearedMask == b.clearedMask, a.serviceIds == b.serviceIds else { return false }
        return ResourceField.allCases.allSatisfy { !a.has($0) || a[$0] == b[$0] }
    }
}
