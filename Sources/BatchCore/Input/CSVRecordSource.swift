import BatchModel
import CSVCodec
import Foundation

/// Reads resources from CSV: the header line decides the mapping, each later record is one row.
public final class CSVRecordSource: RecordSource {
    public let format: InputFormat
    public let mapping: ColumnMapping
    public var unmappedColumns: [String] { mapping.unmappedColumns }
    /// The delimiter in use (detected or given), which the errors file repeats.
    public let delimiter: UInt8
    /// Whether the input began with a UTF-8 byte order mark, which the errors file repeats.
    public let hadBOM: Bool
    /// The line of the header record.
    public let headerLine: Int
    /// Records returned so far (the header excluded).
    public var rowsRead: Int { state.row }

    private let reader: CSVReader
    private let path: String
    private let keepRaw: Bool
    /// What changes per record, in one stored property: each access to a class's stored `var` is
    /// a dynamic exclusivity check (~70 instructions), three of them per row before.
    private var state = ReadState()
    /// `mapping.fields`, copied once.
    private let fieldTable: [ResourceField?]
    /// How an unquoted record fills a batch row in one loop, when the header allows it.
    private let plan: ColumnPlan?

    /// Opens `reader`'s input and reads its header line.
    /// - Throws: `InputError` for an empty file, an unreadable header or a mapping problem.
    public init(reader: CSVReader, path: String, options: InputOptions) throws {
        self.reader = reader
        self.path = path
        self.keepRaw = options.keepRaw
        let header: CSVRecord?
        do {
            header = try reader.next()
        } catch let error as CSVError {
            if error.position.line == 1, let name = Self.utf16Name(path: path) {
                // Excel's "Unicode Text" is UTF-16: the Latin-1 hint of the UTF-8 error would mislead.
                throw InputError.malformed(path: path, line: 1, column: 1, reason:
                    "the file is \(name) (it starts with a UTF-16 byte order mark); save it as \"CSV UTF-8\" and try again")
            }
            throw Self.inputError(error, path: path)
        }
        guard let header else { throw InputError.emptyFile(path: path) }
        headerLine = header.line
        mapping = try ColumnMapping(headers: header.fields, overrides: options.overrides)
        fieldTable = mapping.fields
        plan = ColumnPlan(mapping.fields)
        delimiter = reader.delimiter
        hadBOM = reader.hadBOM
        format = .csv(delimiter: reader.delimiter)
    }

    /// The reader options `options` ask for.
    static func readerOptions(_ options: InputOptions) -> CSVReaderOptions {
        var ro = CSVReaderOptions()
        if case let .csv(d)? = options.format, let d { ro.delimiter = d }
        if let d = options.delimiter { ro.delimiter = d }
        ro.encoding = options.encoding
        ro.keepRawRecord = options.keepRaw
        // 64 KiB reads: the kernel's copy into a buffer that stays in the core's cache costs less
        // system time than into the 256 KiB default (validate, 1M rows, 7 alternating runs twice:
        // 0.19 s median system time down to 0.11-0.12 s; instructions unchanged).
        ro.blockSize = 1 << 16
        return ro
    }

    /// Reads the whole file at `path` once, with the delimiter this source uses, checking only
    /// that it is well-formed CSV (quotes, encoding, NUL bytes, limits); nothing is mapped or kept.
    /// An import calls it before sending anything, so that a broken line 900,000 stops the run
    /// with exit code 2 while it is still true that nothing was sent.
    /// - Throws: `InputError.malformed` naming the line and column of the first problem.
    public func checkWholeFile(path: String, options: InputOptions) throws {
        var ro = Self.readerOptions(options)
        ro.delimiter = delimiter
        ro.keepRawRecord = false
        let reader: CSVReader
        do {
            reader = try CSVReader(path: path, options: ro)
        } catch let error as CSVError {
            throw InputError.unreadable(path: path, reason: Self.reason(error))
        }
        var record = CSVRecord()
        do {
            while try reader.readRecord(into: &record) {}
        } catch let error as CSVError {
            throw Self.inputError(error, path: path)
        }
    }

    /// Opens `path` (`-` for standard input) as CSV.
    public convenience init(path: String, options: InputOptions) throws {
        let ro = Self.readerOptions(options)
        let reader: CSVReader
        do {
            reader = try CSVReader(path: path, options: ro)
        } catch let error as CSVError {
            throw InputError.unreadable(path: path, reason: Self.reason(error))
        }
        try self.init(reader: reader, path: path, options: options)
    }

    /// Gives spent rows' text buffers (``ResourceInput/takeBuffer()``) back for later records.
    package func reuse(_ buffers: inout [[UInt8]]) {
        state.reuse(&buffers)
    }

    /// Input bytes consumed so far, for progress.
    public var bytesRead: Int { state.lastOffset }

    public func next() throws -> SourceRecord? {
        // The record is lent in place by the reader: its fields are not copied into a `CSVRecord`.
        // The closure fills plain locals and the record is built here, straight into the return
        // value: built in the closure (returned through the reader's unspecialized generic, or
        // stored into a captured optional) it was copied per row with a retain of each reference.
        var input = ResourceInput()
        var issues: [RowIssue] = []
        var line = 0
        var got = false
        do {
            _ = try reader.readRecord(lending: { record, raw in
                got = true
                line = record.line
                fill(record, raw: &raw, input: &input, issues: &issues)
            })
        } catch let error as CSVError {
            throw Self.inputError(error, path: path)
        }
        guard got else { return nil }
        return SourceRecord(row: state.row, line: line, input: consume input, issues: consume issues)
    }

    /// Reads records into `arena` until it holds `limit` rows, its bytes pass its budget or the
    /// input ends (then `false`). The same rows, cells and reading problems as ``next()``, kept
    /// as plain rows in the batch's one buffer (``RowArena``): the record's raw bytes are copied
    /// once into the batch and the cells found in them point there; no buffer changes hands.
    /// - Throws: `InputError` as ``next()`` does (the batch then holds the rows before the error).
    package func read(into arena: inout RowArena, upTo limit: Int) throws -> Bool {
        // The row count and offset in locals, stored back once: each access to the class's stored
        // `state` is a dynamic exclusivity check (~75 instructions a row).
        var rowNumber = state.row
        var offset = state.lastOffset
        defer {
            state.row = rowNumber
            state.lastOffset = offset
        }
        while arena.count < limit && arena.hasRoom {
            var got = false
            do {
                // The raw bytes lent where they were read: copied once, into the batch.
                _ = try reader.readRecord(lendingRaw: { record in
                    got = true
                    rowNumber += 1
                    offset = record.byteOffset
                    append(record, row: rowNumber, to: &arena)
                })
            } catch let error as CSVError {
                throw Self.inputError(error, path: path)
            }
            if !got { return false }
        }
        return true
    }

    private func append(_ record: CSVLentRecord, row number: Int, to arena: inout RowArena) {
        if keepRaw, let plan, record.count <= plan.columns.count,
           record.rawCount == record.byteCount &+ record.count &- 1 {
            // The usual record (unquoted, no field past the header's, a planned header): its row
            // is made where it lands in the batch and filled there, not built aside and copied in
            // (two copies of the 216-byte row). The same row as below.
            let base = arena.appendRaw(of: record)
            arena.append(ArenaRow(row: number, line: record.line))
            arena.withLastRow { row in
                row.fieldCount = Int32(clamping: record.count)
                row.rawStart = Int32(base)
                row.rawEnd = Int32(base + record.rawCount)
                Self.setPlannedCells(&row, base: base, record: record, columns: plan.columns, width: record.count)
            }
            return
        }
        var row = ArenaRow(row: number, line: record.line)
        row.fieldCount = Int32(clamping: record.count)
        let fields = fieldTable
        let width = min(record.count, fields.count)
        if keepRaw {
            let base = arena.appendRaw(of: record)
            row.rawStart = Int32(base)
            row.rawEnd = Int32(base + record.rawCount)
            Self.setCellsInPlace(&arena, &row, base: base, record: record, fields: fields, plan: plan, width: width)
        } else {
            for i in 0..<width {
                guard let field = fields[i] else { continue }
                record.withField(i) { cell in
                    let value = CellText.valueRange(cell)
                    if field == .serviceIds {
                        if let ids = CellText.serviceIds(cell, value) { arena.setServiceIds(&row, ids) }
                    } else {
                        arena.setCell(&row, field) { record.appendField(i, range: value, to: &$0) }
                    }
                }
            }
        }
        if record.count > fields.count {
            var extra = 0
            for i in fields.count..<record.count where !record.fieldBounds(i).isEmpty { extra += 1 }
            if extra > 0 {
                arena.setIssues(&row, [RowIssue(.error, field: nil,
                    "the record has \(record.count) fields but the header has \(fields.count); is a delimiter unquoted?")])
            }
        }
        arena.append(row)
    }

    /// ``setCellsInPlace(_:record:fields:width:)`` for a row of an arena whose raw bytes start at
    /// `base` in the arena's bytes: the same cells, at the same places in the raw bytes, found in
    /// one pass over the record's fields as `Span`s (no call or rebased buffer per field).
    private static func setCellsInPlace(_ arena: inout RowArena, _ row: inout ArenaRow, base: Int,
                                        record: CSVLentRecord, fields: [ResourceField?], plan: ColumnPlan?, width: Int) {
        let rawCount = record.rawCount
        if rawCount == record.byteCount &+ record.count &- 1 {
            // No field was quoted (a quoted field's raw bytes hold at least two more than its
            // cell): the raw bytes are the cells and a delimiter after each, so cell i starts at
            // its offset in the record's bytes plus i. The usual record: no look at the raw bytes.
            if let plan {
                setPlannedCells(&row, base: base, record: record, columns: plan.columns, width: width)
            } else {
                setUnquotedCells(&arena, &row, base: base, record: record, fields: fields, width: width)
            }
            return
        }
        record.withSpans { bytes, ends in
            var pos = 0 // where field i starts in the raw bytes
            var cellStart = 0 // where field i starts in the record's bytes
            for i in 0..<width {
                let cellEnd = ends[i]
                let n = cellEnd - cellStart
                let quoted = pos < rawCount && arena.bytes[base + pos] == 0x22 // the raw bytes, as copied into the arena
                var quotes = 0
                if quoted { for j in cellStart..<cellEnd where bytes[j] == 0x22 { quotes += 1 } }
                let start = quoted ? pos + 1 : pos
                pos = start + n + quotes + (quoted ? 1 : 0) + 1
                let cell = bytes.extracting(cellStart..<cellEnd)
                cellStart = cellEnd
                guard let field = fields[i] else { continue }
                let value = CellText.valueRange(cell)
                if field == .serviceIds {
                    if let ids = CellText.serviceIds(cell, value) { arena.setServiceIds(&row, ids) }
                } else if quotes == 0, start + n <= rawCount {
                    arena.setCell(&row, field, start: base + start + value.lowerBound, end: base + start + value.upperBound)
                } else {
                    arena.setCell(&row, field) { record.appendField(i, range: value, to: &$0) }
                }
            }
        }
    }

    /// ``setCellsInPlace(_:_:base:record:fields:width:)`` for a record none of whose fields is
    /// quoted: cell i is at its offset in the record's bytes plus i in the raw bytes.
    @inline(__always)
    private static func setUnquotedCells(_ arena: inout RowArena, _ row: inout ArenaRow, base: Int,
                                         record: CSVLentRecord, fields: [ResourceField?], width: Int) {
        record.withSpans { bytes, ends in
            var cellStart = 0
            var i = 0
            while i < width {
                let cellEnd = ends[i]
                if cellEnd == cellStart {
                    // An empty cell sets nothing, but drops a value an earlier column of the same
                    // field gave (as ``RowArena/setCell(_:_:start:end:)`` does).
                    if let field = fields[i], field != .serviceIds, row.has(field) {
                        arena.setCell(&row, field, start: base, end: base)
                    }
                } else if let field = fields[i] {
                    let (start, end) = Self.valueBounds(bytes, cellStart, cellEnd)
                    let at = base &+ i
                    if field == .serviceIds {
                        let cell = bytes.extracting(cellStart..<cellEnd)
                        if let ids = CellText.serviceIds(cell, CellText.valueRange(cell)) { arena.setServiceIds(&row, ids) }
                    } else {
                        arena.setCell(&row, field, start: at &+ start, end: at &+ end)
                    }
                }
                cellStart = cellEnd
                i &+= 1
            }
        }
    }

    /// The bounds of the non-empty cell `start..<end` of `bytes` without what
    /// ``CellText/valueRange(_:)`` takes off (spaces, tabs, a formula guard `'`): only a cell
    /// starting or ending with a space or tab, or starting with `'`, needs it (rare).
    @inline(__always)
    private static func valueBounds(_ bytes: Span<UInt8>, _ start: Int, _ end: Int) -> (start: Int, end: Int) {
        let first = bytes[start], last = bytes[end &- 1]
        guard first == 0x20 || first == 0x09 || first == 0x27 || last == 0x20 || last == 0x09 else { return (start, end) }
        let value = CellText.valueRange(bytes.extracting(start..<end))
        return (start &+ value.lowerBound, start &+ value.upperBound)
    }

    /// ``setUnquotedCells(_:_:base:record:fields:width:)`` for a header with a ``ColumnPlan``
    /// and a row just made: the same entries, masks and hot entries, gathered in locals and stored
    /// into the row once. No cell replaces another (no field named twice), none goes to a side
    /// table (no `serviceIds`) and at most eight are set (they all fit inline), so the row needs
    /// none of ``RowArena/setCell(_:_:start:end:)``'s checks.
    @inline(__always)
    private static func setPlannedCells(_ row: inout ArenaRow, base: Int, record: CSVLentRecord,
                                        columns: [UInt16], width: Int) {
        record.withSpans { bytes, ends in
            var entries = InlineArray<8, UInt64>(repeating: 0)
            var hot = InlineArray<6, UInt64>(repeating: 0) // ColumnPlan.Hot; the last is `none`
            var count = 0
            var present: UInt64 = 0
            var marker = false
            var lastEnd = 0
            var cellStart = 0
            var i = 0
            while i < width {
                let cellEnd = ends[i]
                let column = columns[i]
                let ordinal = column & 0xFF
                if ordinal != ColumnPlan.unmapped && cellEnd != cellStart {
                    let (start, end) = Self.valueBounds(bytes, cellStart, cellEnd)
                    if end > start {
                        // The record's bytes are the raw bytes copied at `base` (no field quoted).
                        if end &- start == 6 && bytes[start] == 0x23 { marker = true }
                        let at = base &+ i
                        lastEnd = at &+ end
                        let e = UInt64(ordinal) << 56 | UInt64(at &+ start) << 28 | UInt64(lastEnd)
                        entries[count] = e // count < 8: at most eight columns name a field
                        count &+= 1
                        present |= 1 &<< UInt64(ordinal)
                        hot[Int(column >> 8)] = e
                    }
                }
                cellStart = cellEnd
                i &+= 1
            }
            // Ends grow with the column: the last one is the largest.
            precondition(lastEnd < RowArena.offsetLimit, "a batch's text is limited to 256 MiB")
            row.inline = entries
            row.inlineCount = Int32(count)
            row.present = present
            row.mayHoldClearMarker = marker
            row.nameEntry = hot[Int(ColumnPlan.Hot.name)]
            row.emailEntry = hot[Int(ColumnPlan.Hot.email)]
            row.idEntry = hot[Int(ColumnPlan.Hot.id)]
            row.googleEntry = hot[Int(ColumnPlan.Hot.google)]
            row.outlookEntry = hot[Int(ColumnPlan.Hot.outlook)]
        }
    }

    private func fill(_ record: CSVLentRecord, raw: inout [UInt8], input: inout ResourceInput, issues: inout [RowIssue]) {
        var text = state.advance(offset: record.byteOffset, spare: keepRaw)
        let fields = mapping.fields
        let width = min(record.count, fields.count)
        if keepRaw {
            // The raw bytes move into the row as its text buffer, and cells found in them as they
            // are point there: no copy of the record or of those cells.
            // A spare buffer goes to the reader in their place (it keeps its capacity for the next record).
            swap(&text, &raw)
            input.adoptRaw(&text)
            Self.setCellsInPlace(&input, record: record, fields: fieldTable, width: width)
        } else {
            // The cells' bytes go straight into the row's one text buffer: no `String` per cell.
            input.reserve(bytes: record.byteCount, fields: width)
            Self.setCells(&input, record: record, fields: fieldTable, width: width)
        }
        if record.count > fields.count {
            var extra = 0
            for i in fields.count..<record.count where !record.fieldBounds(i).isEmpty { extra += 1 }
            if extra > 0 {
                issues.append(RowIssue(.error, field: nil,
                    "the record has \(record.count) fields but the header has \(fields.count); is a delimiter unquoted?"))
            }
        }
    }

    /// Sets the input's cells from the record, the input's buffer holding the record's raw bytes
    /// (``ResourceInput/adoptRaw(_:)``). A field starts in the raw bytes right after the previous
    /// one's delimiter; unquoted it is its cell's bytes, quoted it is `"`, the cell with each `"`
    /// doubled, `"` (the reader accepts nothing else). A cell without a quote is therefore found in
    /// place; one with quotes is copied. Cells are read as `Span`s and placed by offsets: no pointer.
    private static func setCellsInPlace(_ input: inout ResourceInput, record: CSVLentRecord,
                                        fields: [ResourceField?], width: Int) {
        let rawCount = input.rawByteCount
        var pos = 0 // where field i starts in the raw bytes
        for i in 0..<width {
            let quoted = pos < rawCount && input.byte(at: pos) == 0x22
            record.withField(i) { cell in
                var quotes = 0
                if quoted { for j in 0..<cell.count where cell[j] == 0x22 { quotes += 1 } }
                let start = quoted ? pos + 1 : pos
                pos = start + cell.count + quotes + (quoted ? 1 : 0) + 1
                guard let field = fields[i] else { return }
                let value = CellText.valueRange(cell)
                if field == .serviceIds {
                    if let ids = CellText.serviceIds(cell, value) { input.serviceIds = ids }
                } else if quotes == 0, start + cell.count <= rawCount {
                    input.setInPlace(field, start: start + value.lowerBound, end: start + value.upperBound)
                } else {
                    input.set(field) { record.appendField(i, range: value, to: &$0) }
                }
            }
        }
    }

    /// Sets the input's cells from the record by copying their bytes into the input's buffer.
    private static func setCells(_ input: inout ResourceInput, record: CSVLentRecord, fields: [ResourceField?], width: Int) {
        for i in 0..<width {
            guard let field = fields[i] else { continue }
            record.withField(i) { cell in
                let value = CellText.valueRange(cell)
                if field == .serviceIds {
                    if let ids = CellText.serviceIds(cell, value) { input.serviceIds = ids }
                } else {
                    input.set(field) { record.appendField(i, range: value, to: &$0) }
                }
            }
        }
    }

    /// "UTF-16LE" or "UTF-16BE" when the file at `path` starts with that byte order mark.
    static func utf16Name(path: String) -> String? {
        guard path != "-", let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let start = [UInt8]((try? handle.read(upToCount: 2)) ?? Data())
        if start == [0xFF, 0xFE] { return "UTF-16LE" }
        if start == [0xFE, 0xFF] { return "UTF-16BE" }
        return nil
    }

    static func inputError(_ error: CSVError, path: String) -> InputError {
        .malformed(path: path, line: error.position.line, column: error.position.column, reason: reason(error))
    }

    /// The reason given for a byte sequence that is not UTF-8 (the command line adds how to name
    /// another encoding).
    public static let invalidUTF8Reason = "invalid UTF-8 (the file may be Latin-1 or Windows-1252)"

    static func reason(_ error: CSVError) -> String {
        switch error.kind {
        case let .unterminatedQuote(openedAtLine):
            return "a quoted field opened on line \(openedAtLine) is never closed"
        case .quoteInUnquotedField:
            return "a quote inside an unquoted field (quote the whole field and double the quote: \"\"\"\")"
        case .textAfterClosingQuote:
            return "text after a closing quote (a quoted field must end at a delimiter or line end)"
        case let .recordTooLong(limit):
            return "a record longer than \(limit) bytes"
        case .invalidUTF8:
            return invalidUTF8Reason
        case .nulByte:
            return "a NUL byte: this looks like a binary file (or UTF-16 text), not CSV"
        case let .fieldTooLong(limit):
            return "a field longer than \(limit) bytes"
        case let .tooManyFields(limit):
            return "a record with more than \(limit) fields"
        case let .io(message):
            return message
        }
    }
}

/// ``CSVRecordSource``'s per-record state: the row count, the last record's offset and the spare
/// text buffers of rows already written out, given back (``CSVRecordSource/reuse(_:)``) to hold
/// later records' raw bytes: a row then costs no allocation, and no buffer is freed on another thread.
private struct ReadState {
    var row = 0
    var lastOffset = 0
    var spares: [[UInt8]] = []

    /// Counts a record starting at `offset`; returns a spare buffer when `spare` (else empty).
    mutating func advance(offset: Int, spare: Bool) -> [UInt8] {
        row += 1
        lastOffset = offset
        return spare ? spares.popLast() ?? [] : []
    }

    mutating func reuse(_ buffers: inout [[UInt8]]) {
        if spares.isEmpty {
            swap(&spares, &buffers)
        } else {
            // Moved one by one: `append(contentsOf:)` copied them (a retain each, then a release).
            spares.reserveCapacity(spares.count + buffers.count)
            while let buffer = buffers.popLast() { spares.append(buffer) }
        }
    }
}
