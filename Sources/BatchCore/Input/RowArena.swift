import BatchModel
import CSVCodec

/// A batch of input rows living in one buffer: every record's raw bytes one after the other in
/// ``bytes``, and per record a plain ``ArenaRow`` whose cells are byte ranges into them (issue 17
/// point 2, "validate without moves").
///
/// From the reader to the report, `validate` keeps a batch this way: the reader appends each
/// record's raw bytes (one `memcpy`) and the cells' ranges (a cell with doubled quotes is
/// unescaped once, appended after the raw bytes); the checks read a row through a
/// ``ResourceInput`` view sharing the buffer; the report line and the errors-file line are
/// written from the same bytes. Emptied with ``removeAll()``, a batch keeps its capacity and is
/// filled again: no allocation, retain or release per row. Only rows with issues or a
/// `serviceIds` list touch a side table.
///
/// Offsets are packed in 28 bits (as in ``ResourceInput``): a batch takes no more rows once its
/// bytes pass ``byteBudget`` (16 MiB), and one record is at most 16 MiB (the reader's limit)
/// plus as much again of unescaped cells, so offsets stay below 2²⁸.
public struct RowArena: Sendable {
    /// The rows' raw bytes and unescaped cells.
    public private(set) var bytes: [UInt8] = []
    /// The rows, in input order.
    public package(set) var rows: [ArenaRow] = []
    /// Entries past a row's eighth (``ArenaRow/overflowStart``).
    package private(set) var overflow: [UInt64] = []
    /// `serviceIds` lists (``ArenaRow/serviceIdsSlot``).
    package private(set) var serviceIdLists: [[String]] = []
    /// Issues of the rows that have any (``ArenaRow/issueSlot``).
    private var issueLists: [[RowIssue]] = []
    /// The report message of each issue list, once ``settleMessages()`` has made them.
    private var messages: [String] = []

    /// Bytes after which a batch takes no more rows.
    package static let byteBudget = 1 << 24
    /// Offsets in a batch are below this (28 bits of an entry).
    static let offsetLimit = 1 << 28

    public init() {}

    /// How many rows the batch holds.
    public var count: Int { rows.count }

    /// Whether the batch may take another row.
    package var hasRoom: Bool { bytes.count < Self.byteBudget }

    /// Room for `rows` rows and `bytes` bytes, so that filling a batch does not grow its buffers.
    public mutating func reserve(rows: Int, bytes count: Int) {
        self.rows.reserveCapacity(rows)
        bytes.reserveCapacity(count)
    }

    /// Empties the batch, keeping every buffer's capacity for the next one.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        rows.removeAll(keepingCapacity: true)
        overflow.removeAll(keepingCapacity: true)
        if !serviceIdLists.isEmpty { serviceIdLists.removeAll(keepingCapacity: true) }
        if !issueLists.isEmpty { issueLists.removeAll(keepingCapacity: true) }
        if !messages.isEmpty { messages.removeAll(keepingCapacity: true) }
    }

    // MARK: Filling (the reader)

    /// Appends the raw bytes a lent record carries (``CSVLentRecord/raw``); returns where they start.
    package mutating func appendRaw(of record: CSVLentRecord) -> Int {
        let start = bytes.count
        record.appendRaw(to: &bytes)
        return start
    }

    /// Sets the field of `row` (the row being built, not yet appended) to `bytes[start..<end]`,
    /// bytes already in the batch; as ``ResourceInput/setInPlace(_:start:end:)``, a later cell of
    /// the same field replaces an earlier one and an empty range sets nothing.
    @inline(__always)
    package mutating func setCell(_ row: inout ArenaRow, _ field: ResourceField, start: Int, end: Int) {
        if row.has(field) {
            remove(field, from: &row)
            row.noteHotEntries(overflow: overflow)
        }
        guard end > start else { return }
        precondition(end < Self.offsetLimit, "a batch's text is limited to 256 MiB")
        if end &- start == 6 && bytes[start] == 0x23 { row.mayHoldClearMarker = true }
        let e = UInt64(field.ordinal) << 56 | UInt64(start) << 28 | UInt64(end)
        appendEntry(e, to: &row)
        row.present |= 1 &<< UInt64(field.ordinal)
        switch field {
        case .name: row.nameEntry = e
        case .email: row.emailEntry = e
        case .id: row.idEntry = e
        case .googleCalendarId: row.googleEntry = e
        case .outlookCalendarId: row.outlookEntry = e
        default: break
        }
    }

    /// Sets the field of `row` (being built) to the bytes `append` adds at the end of the batch.
    package mutating func setCell(_ row: inout ArenaRow, _ field: ResourceField, appending append: (inout [UInt8]) -> Void) {
        let start = bytes.count
        append(&bytes)
        setCell(&row, field, start: start, end: bytes.count)
    }

    /// Gives `row` (being built) a `serviceIds` list.
    package mutating func setServiceIds(_ row: inout ArenaRow, _ list: [String]) {
        if row.serviceIdsSlot >= 0 {
            serviceIdLists[Int(row.serviceIdsSlot)] = list
        } else {
            row.serviceIdsSlot = Int32(serviceIdLists.count)
            serviceIdLists.append(list)
        }
    }

    /// Appends an entry to the row being built: its overflow entries are the last of `overflow`.
    @inline(__always)
    private mutating func appendEntry(_ e: UInt64, to row: inout ArenaRow) {
        if row.inlineCount < 8 {
            row.inline[Int(row.inlineCount)] = e
            row.inlineCount += 1
        } else {
            if row.overflowCount == 0 { row.overflowStart = Int32(overflow.count) }
            overflow.append(e)
            row.overflowCount += 1
        }
    }

    /// Drops the field's entry from the row being built (two columns naming one field: rare).
    private mutating func remove(_ field: ResourceField, from row: inout ArenaRow) {
        var kept: [UInt64] = []
        for k in 0..<Int(row.inlineCount) where Int(row.inline[k] >> 56) != field.ordinal { kept.append(row.inline[k]) }
        let start = Int(row.overflowStart)
        for k in start..<start + Int(row.overflowCount) where Int(overflow[k] >> 56) != field.ordinal { kept.append(overflow[k]) }
        if row.overflowCount > 0 { overflow.removeSubrange(start...) }
        row.inlineCount = 0
        row.overflowCount = 0
        for e in kept { appendEntry(e, to: &row) }
        row.present &= ~(1 &<< UInt64(field.ordinal))
    }

    /// Appends the built row.
    package mutating func append(_ row: ArenaRow) { rows.append(row) }

    /// Lets `body` change the last row where it is (a row just appended, being filled).
    @inline(__always)
    package mutating func withLastRow(_ body: (inout ArenaRow) -> Void) {
        body(&rows[rows.count - 1])
    }

    // MARK: Reading

    /// Where `field` of row `i` sits in ``bytes``, or `nil` when it holds nothing.
    @inline(__always)
    public func cell(_ field: ResourceField, _ i: Int) -> Range<Int>? {
        let e = rows[i].entry(field, overflow: overflow)
        guard e != 0 else { return nil }
        let (start, end) = ResourceInput.span(e)
        return start..<end
    }

    /// The text of `field` of row `i`, as ``ResourceInput``'s subscript gives it.
    public func text(_ field: ResourceField, _ i: Int) -> String? {
        cell(field, i).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// Row `i` as a ``ResourceInput`` sharing the batch's bytes, for the checks (see
    /// ``ResourceInput/init(sharing:present:cleared:inline:inlineCount:overflow:serviceIds:)``).
    package func view(_ i: Int) -> ResourceInput {
        let r = rows[i]
        let start = Int(r.overflowStart)
        var view = ResourceInput(
            sharing: bytes, present: r.present, cleared: r.cleared, inline: r.inline, inlineCount: Int(r.inlineCount),
            overflow: r.overflowCount == 0 ? [] : Array(overflow[start..<start + Int(r.overflowCount)]),
            serviceIds: r.serviceIdsSlot < 0 ? nil : serviceIdLists[Int(r.serviceIdsSlot)])
        view.clearMarkersRuledOut = !r.mayHoldClearMarker
        return view
    }

    /// Makes `view` (a ``view(_:)`` of this batch) show row `i`. Inlinable up to the usual row:
    /// the checks call it per row from another module (a call here and one into the view).
    @inlinable @inline(__always)
    package func reload(_ view: inout ResourceInput, _ i: Int) {
        if rows[i].overflowCount == 0 && rows[i].serviceIdsSlot < 0 {
            // The usual row: entries and masks only, no array made, compared or released.
            view.reload(present: rows[i].present, cleared: rows[i].cleared, inline: rows[i].inline,
                        inlineCount: Int(rows[i].inlineCount))
            view.clearMarkersRuledOut = !rows[i].mayHoldClearMarker
            return
        }
        reloadWithSideTables(&view, i)
    }

    /// ``reload(_:_:)`` for a row with overflow entries or a `serviceIds` list.
    @usableFromInline
    package func reloadWithSideTables(_ view: inout ResourceInput, _ i: Int) {
        let r = rows[i]
        let start = Int(r.overflowStart)
        view.reload(present: r.present, cleared: r.cleared, inline: r.inline, inlineCount: Int(r.inlineCount),
                    overflow: r.overflowCount == 0 ? [] : Array(overflow[start..<start + Int(r.overflowCount)]),
                    serviceIds: r.serviceIdsSlot < 0 ? nil : serviceIdLists[Int(r.serviceIdsSlot)])
        view.clearMarkersRuledOut = !r.mayHoldClearMarker
    }

    /// Takes back what the checks changed in a view of row `i` (clear markers drop entries and
    /// set cleared bits; entries are never added). The checks call it only for a row whose masks
    /// changed: for the others it would write back what is there.
    package mutating func store(_ i: Int, from view: ResourceInput) {
        defer { rows[i].noteHotEntries(overflow: overflow) }
        rows[i].present = view.present
        rows[i].cleared = view.clearedMask
        rows[i].inline = view.inline
        rows[i].inlineCount = Int32(view.inlineCount)
        if rows[i].overflowCount > 0 {
            let start = Int(rows[i].overflowStart)
            precondition(view.overflow.count <= Int(rows[i].overflowCount), "a view's entries only shrink")
            for (k, e) in view.overflow.enumerated() { overflow[start + k] = e }
            rows[i].overflowCount = Int32(view.overflow.count)
        }
    }

    /// The raw bytes of row `i` (``SourceRecord/raw``), when kept.
    public func raw(_ i: Int) -> [UInt8]? {
        let r = rows[i]
        return r.rawStart < 0 ? nil : Array(bytes[Int(r.rawStart)..<Int(r.rawEnd)])
    }

    // MARK: Issues

    /// The issues of row `i`, in the order found.
    public func issues(_ i: Int) -> [RowIssue] {
        let slot = rows[i].issueSlot
        return slot < 0 ? [] : issueLists[Int(slot)]
    }

    /// Makes every row's report message (``Swift/Array/reportMessage``) once its issues are all
    /// known: the report line and the errors-file line of a failed row both need it.
    package mutating func settleMessages() {
        messages.removeAll(keepingCapacity: true)
        for list in issueLists { messages.append(list.reportMessage) }
    }

    /// The report message of row `i` (empty without issues): the one ``settleMessages()`` made,
    /// or made now.
    public func message(_ i: Int) -> String {
        let slot = Int(rows[i].issueSlot)
        guard slot >= 0 else { return "" }
        return slot < messages.count ? messages[slot] : issueLists[slot].reportMessage
    }

    /// Takes the issues of row `i` out (to be given back with ``setIssues(_:_:)``).
    package mutating func takeIssues(_ i: Int) -> [RowIssue] {
        let slot = rows[i].issueSlot
        guard slot >= 0 else { return [] }
        var out: [RowIssue] = []
        swap(&out, &issueLists[Int(slot)])
        return out
    }

    /// Sets the issues of row `i` (none: the row keeps no slot unless it had one).
    package mutating func setIssues(_ i: Int, _ issues: consuming [RowIssue]) {
        rows[i].hasErrors = issues.hasErrors
        if rows[i].issueSlot >= 0 {
            issueLists[Int(rows[i].issueSlot)] = issues
        } else if !issues.isEmpty {
            rows[i].issueSlot = Int32(issueLists.count)
            issueLists.append(issues)
        }
    }

    /// Adds an issue to row `i`.
    package mutating func appendIssue(_ i: Int, _ issue: RowIssue) {
        if rows[i].issueSlot < 0 {
            rows[i].issueSlot = Int32(issueLists.count)
            issueLists.append([issue])
        } else {
            issueLists[Int(rows[i].issueSlot)].append(issue)
        }
        if issue.severity == .error { rows[i].hasErrors = true }
    }

    /// Gives issues to the row being built (problems found while reading).
    package mutating func setIssues(_ row: inout ArenaRow, _ issues: [RowIssue]) {
        guard !issues.isEmpty else { return }
        row.issueSlot = Int32(issueLists.count)
        issueLists.append(issues)
        row.hasErrors = issues.hasErrors
    }
}
