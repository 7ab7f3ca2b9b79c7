import BatchModel
import BatchInput
import BatchRules
import CSVCodec

/// Writes the report: one line per input row, in input order, CSV (spreadsheet-safe), JSONL or
/// an XLSX workbook (``ReportWorkbook``, assembled at ``close()``), to a 0600 file or standard output.
public final class ReportWriter {
    public let format: ReportFormat
    public var path: String { file.path }
    private let file: OutputFile
    private var csv: CSVWriter
    /// Batches of validated rows are encoded here rather than through `csv` (same bytes, less work);
    /// whichever of the two is not in use is always empty, so the output stays in order.
    /// (CSVCodec's encoder for lines built from borrowed bytes: the quoting rules and the pointer
    /// work stay in the codec.)
    private let lines: CSVLineBuilder
    public private(set) var rowsWritten = 0
    /// Whether lines end with the `changes` column (import reports).
    private let changesColumn: Bool
    /// The workbook being filled, in the xlsx format.
    private let workbook: ReportWorkbook?
    /// Whether `workbook` has the report's three sheets (not the plain table of other columns).
    private let workbookIsReport: Bool
    private var workbookWritten = false

    /// Creates the report at `path` (`-` for standard output); `excel` adds a UTF-8 BOM to CSV.
    /// `changesColumn` appends the `changes` column after `message` (CSV header and cells, JSONL key).
    public init(path: String, format: ReportFormat, excel: Bool = false, columns: [String] = ReportRow.columns,
                changesColumn: Bool = false) throws {
        self.format = format
        self.changesColumn = changesColumn
        file = try OutputFile(path: path)
        csv = CSVWriter(
            fileDescriptor: file.fileDescriptor,
            options: CSVWriterOptions(lineEnding: .crlf, byteOrderMark: excel && format == .csv, spreadsheetSafe: true))
        lines = CSVLineBuilder(fileDescriptor: file.fileDescriptor)
        if format == .csv { try csv.write(record: changesColumn ? columns + ["changes"] : columns) }
        workbookIsReport = format == .xlsx && columns == ReportRow.columns
        workbook = format != .xlsx ? nil
            : columns == ReportRow.columns ? try ReportWorkbook(output: file, changesColumn: changesColumn)
            : try ReportWorkbook(output: file, sheet: "Resources", columns: columns)
    }

    /// Writes out what the batch path has buffered, before anything goes through `csv`.
    @inline(__always)
    private func handOverToCSV() throws {
        if lines.count > 0 { try flushLines() }
    }

    /// Writes out the lines buffered, a failure naming the report file (as the other writes do).
    private func flushLines() throws {
        do { try lines.flush() } catch is CSVError { throw OutputFile.cannotWrite(path) }
    }

    public func write(_ row: ReportRow) throws {
        rowsWritten += 1
        switch format {
        case .csv:
            // Encoded straight into `lines`, the same bytes as `csv.write(record:)` of the row's
            // cells would give, without an array of a dozen strings per row (issue 17: ~15,000
            // instructions a row of an import).
            try csv.flush() // the header, or anything written through `csv` before
            do {
                try Self.appendLine(row, changesColumn: changesColumn, to: lines)
            } catch is CSVError {
                throw OutputFile.cannotWrite(path)
            }
        case .jsonl:
            try handOverToCSV()
            let changes = changesColumn
            try file.append { out in Self.appendJSON(row, changesColumn: changes, to: &out) }
        case .xlsx:
            try handOverToCSV()
            try workbook!.add(row)
        }
    }

    /// Writes the report lines of a batch of rows as validation leaves them, `statuses[i]` being
    /// the status of `rows[i]`: the same bytes as `write(ReportRow(rows[i], status: statuses[i]))`,
    /// but in CSV encoded straight into the output buffer, without a `ReportRow` per row.
    public func write(_ rows: [ValidatedRow], statuses: [RowStatus]) throws {
        precondition(rows.count == statuses.count)
        if format == .xlsx, let workbook, workbookIsReport {
            try handOverToCSV()
            rowsWritten += rows.count
            try workbook.add(rows.span, statuses: statuses.span)
            return
        }
        guard format == .csv, !changesColumn else {
            for i in rows.indices { try write(ReportRow(rows[i], status: statuses[i])) }
            return
        }
        rowsWritten += rows.count
        try csv.flush() // the header, or anything written through `csv` before
        // Rows borrowed from the array through its `Span` (no copy of a row); each line encoded
        // straight into CSVCodec's buffer.
        let rows = rows.span, statuses = statuses.span
        do {
            for i in rows.indices { try Self.appendLine(rows, i, status: statuses[i], to: lines) }
        } catch is CSVError {
            throw OutputFile.cannotWrite(path)
        }
    }

    /// Writes the report lines of a batch arena (``RowArena``), `statuses[i]` being the status of
    /// row `i`: the same bytes as `write(ReportRow(arena, i, status: statuses[i]))`. In CSV each
    /// line is encoded straight from the batch's bytes into the output buffer: the cells are
    /// ranges of the batch, the row a plain value; no `String`, copy or reference per row.
    public func write(_ arena: RowArena, statuses: [RowStatus]) throws {
        precondition(arena.count == statuses.count)
        if format == .xlsx, let workbook, workbookIsReport {
            try handOverToCSV()
            rowsWritten += arena.count
            try workbook.add(arena, statuses: statuses.span)
            return
        }
        guard format == .csv, !changesColumn else {
            for i in 0..<arena.count { try write(ReportRow(arena, i, status: statuses[i])) }
            return
        }
        rowsWritten += arena.count
        try csv.flush() // the header, or anything written through `csv` before
        let bytes = arena.bytes
        let text = bytes.span
        let statuses = statuses.span
        do {
            for i in 0..<arena.count { try Self.appendLine(arena, text, i, status: statuses[i], to: lines) }
        } catch is CSVError {
            throw OutputFile.cannotWrite(path)
        }
    }

    /// One report line of row `i` of an arena, the same bytes as ``write(_:)`` writes through `CSVWriter`.
    @inline(__always)
    private static func appendLine(_ arena: RowArena, _ text: Span<UInt8>, _ i: Int, status: RowStatus,
                                   to out: CSVLineBuilder) throws {
        let row = arena.rows[i].row, line = arena.rows[i].line
        try out.number(row, first: true)
        if line > 0 { try out.number(line) } else { try out.raw(",") }
        try out.raw(Self.statusField(status))
        // The cells are ranges of the batch's bytes, their entries kept in the row (no search).
        if let r = ArenaRow.range(arena.rows[i].idEntry) { try out.field(text.extracting(r)) } else { try out.raw(",") }
        if let r = ArenaRow.range(arena.rows[i].nameEntry) { try out.field(text.extracting(r)) } else { try out.raw(",") }
        if let r = ArenaRow.range(arena.rows[i].emailEntry) { try out.field(text.extracting(r)) } else { try out.raw(",") }
        if let p = arena.rows[i].provider {
            try out.raw(p == .google ? ",google" : ",outlook")
            if let r = ArenaRow.range(arena.rows[i].calendarEntry) { try out.field(text.extracting(r)) } else { try out.raw(",") }
        } else {
            try out.raw(",,")
        }
        let a = arena.rows[i].availability
        if a >= 0 { try out.number(Int(a)) } else { try out.raw(",") }
        if arena.rows[i].issueSlot < 0 {
            try out.emptyFieldsAndLineEnd(3) // authUrl, authorized, message
        } else {
            // Made once per batch (``RowArena/settleMessages()``), shared with the errors file.
            // (A row with issues whose message is empty writes the same bytes as one without.)
            try out.raw(",,")
            try out.field(arena.message(i))
            try out.emptyFieldsAndLineEnd(0)
        }
    }

    /// One report line, the same bytes as ``write(_:)`` writes through `CSVWriter`.
    @inline(__always)
    private static func appendLine(_ rows: Span<ValidatedRow>, _ i: Int, status: RowStatus, to out: CSVLineBuilder) throws {
        try out.number(rows[i].record.row, first: true)
        let line = rows[i].record.line
        if line > 0 { try out.number(line) } else { try out.raw(",") }
        try out.raw(Self.statusField(status))
        if let id = rows[i].id { try out.field(id) } else { try out.raw(",") }
        // The cells read where they lie in the batch, through the row's text as a `Span`.
        let text = rows[i].record.input.bytes.span
        if let r = BorrowedCells.bounds(.name, rows, i) { try out.field(text.extracting(r)) } else { try out.raw(",") }
        if let r = BorrowedCells.bounds(.email, rows, i) { try out.field(text.extracting(r)) } else { try out.raw(",") }
        if let p = rows[i].provider {
            try out.raw(p == .google ? ",google" : ",outlook")
            if let r = BorrowedCells.bounds(p.calendarIdField, rows, i) { try out.field(text.extracting(r)) } else { try out.raw(",") }
        } else {
            try out.raw(",,")
        }
        if let a = rows[i].calendarAvailability { try out.number(a) } else { try out.raw(",") }
        if rows[i].issues.isEmpty {
            try out.emptyFieldsAndLineEnd(3) // authUrl, authorized, message
        } else {
            try out.raw(",,")
            try out.field(rows[i].issues.reportMessage)
            try out.emptyFieldsAndLineEnd(0)
        }
    }

    /// One report line of `row`: the same bytes as `csv.write(record: row.cells (+ changes),
    /// formulaSafeColumns: ReportRow.ownValueColumns)`. The tool's own columns (row, line,
    /// status, provider, calendarAvailability, authorized) are written as they are; the others
    /// go through `field`, which quotes and formula-guards as `CSVWriter` does.
    @inline(__always)
    static func appendLine(_ row: ReportRow, changesColumn: Bool, to out: CSVLineBuilder) throws {
        if row.row > 0 { try out.number(row.row, first: true) }
        if row.line > 0 { try out.number(row.line) } else { try out.raw(",") }
        try out.raw(Self.statusField(row.status))
        if let id = row.id { try out.field(id) } else { try out.raw(",") }
        if let name = row.name { try out.field(name) } else { try out.raw(",") }
        if let email = row.email { try out.field(email) } else { try out.raw(",") }
        switch row.provider {
        case .google?: try out.raw(",google")
        case .outlook?: try out.raw(",outlook")
        case nil: try out.raw(",")
        }
        if let calendarId = row.calendarId { try out.field(calendarId) } else { try out.raw(",") }
        if let a = row.calendarAvailability { try out.number(a) } else { try out.raw(",") }
        if let authUrl = row.authUrl { try out.field(authUrl) } else { try out.raw(",") }
        switch row.authorized {
        case true?: try out.raw(",true")
        case false?: try out.raw(",false")
        case nil: try out.raw(",")
        }
        try out.field(row.message)
        if changesColumn {
            if let changes = row.changes { try out.field(changes) } else { try out.raw(",") }
        }
        try out.emptyFieldsAndLineEnd(0)
    }

    /// `,` and the status as the report writes it (none needs quoting or a formula guard): a
    /// static text instead of the `String` raw value per row.
    @inline(__always)
    static func statusField(_ status: RowStatus) -> StaticString {
        switch status {
        case .created: ",created"
        case .updated: ",updated"
        case .unchanged: ",unchanged"
        case .recovered: ",recovered"
        case .deleted: ",deleted"
        case .missing: ",missing"
        case .wouldCreate: ",would-create"
        case .wouldUpdate: ",would-update"
        case .wouldDelete: ",would-delete"
        case .wouldRecover: ",would-recover"
        case .valid: ",valid"
        case .invalid: ",invalid"
        case .failed: ",failed"
        case .skipped: ",skipped"
        }
    }

    /// Writes a CSV record of arbitrary cells (export, auth-links), formula-guarded.
    public func writeCells(_ cells: [String]) throws {
        try handOverToCSV()
        rowsWritten += 1
        if let workbook { return try workbook.add(cells: cells) }
        try csv.write(record: cells)
    }

    /// Writes one JSON object line of arbitrary keys (export in JSONL).
    public func writeJSONLine(_ bytes: [UInt8]) throws {
        try handOverToCSV()
        rowsWritten += 1
        try file.write(bytes)
        try file.write([0x0A])
    }

    public func close() throws {
        if let workbook, !workbookWritten {
            workbookWritten = true
            try workbook.finish()
        }
        try flushLines()
        try csv.flush()
        try file.close()
    }

    static func appendJSON(_ row: ReportRow, changesColumn: Bool = false, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"row":"#.utf8)
        out.append(contentsOf: (row.row > 0 ? String(row.row) : "null").utf8)
        out.append(contentsOf: #","line":"#.utf8)
        out.append(contentsOf: (row.line > 0 ? String(row.line) : "null").utf8)
        func str(_ key: String, _ value: String?) {
            out.append(contentsOf: ",\"\(key)\":".utf8)
            if let value { JSONText.appendString(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
        }
        str("status", row.status.rawValue)
        str("id", row.id)
        str("name", row.name)
        str("email", row.email)
        str("provider", row.provider?.rawValue)
        str("calendarId", row.calendarId)
        out.append(contentsOf: #","calendarAvailability":"#.utf8)
        out.append(contentsOf: (row.calendarAvailability.map(String.init) ?? "null").utf8)
        str("authUrl", row.authUrl)
        out.append(contentsOf: #","authorized":"#.utf8)
        out.append(contentsOf: (row.authorized.map { $0 ? "true" : "false" } ?? "null").utf8)
        str("message", row.message)
        if changesColumn { str("changes", row.changes ?? "") }
        out.append(contentsOf: "}\n".utf8)
    }
}
