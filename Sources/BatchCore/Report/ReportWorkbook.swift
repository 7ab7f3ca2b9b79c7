import BatchModel
import BatchInput
import BatchRules
import XLSXCodec

/// The report as a workbook for people (cli.md, Report): a sheet **To send** with a clickable
/// link for each person who still has to authorize, **Needs attention** with the rows someone
/// must look at and their messages wrapped, and **All rows** with the report's columns.
///
/// Memory does not grow with the rows. **All rows** goes into the ZIP as rows come (its column
/// widths measured on the first ``widthSample`` rows, held until then); the two short sheets
/// wait in temporary files (``SheetSpool``) and are written after it by ``finish()``; the tabs
/// are ordered by position, not by the order of the parts. With other columns than the
/// report's (export), the workbook is one streamed sheet of text cells.
final class ReportWorkbook {
    /// Rows whose widths decide the streamed sheet's columns.
    static let widthSample = 1_000
    static let toSendColumns = ["Name", "E-mail", "Provider", "Link"]
    static let attentionColumns = ["row", "line", "status", "name", "email", "message"]
    /// Statuses shown on **Needs attention**, by name so that statuses added later (`missing`,
    /// `deleted`, …) are matched as cli.md lists them.
    static let attentionStatuses: Set<String> = ["invalid", "failed", "skipped", "missing"]
    /// ``attentionStatuses`` as statuses: a few enum comparisons per row instead of hashing a name.
    static let attentionCases = RowStatus.allCases.filter { attentionStatuses.contains($0.rawValue) }

    private let writer: XLSXWriter
    private let isReport: Bool
    /// To send, Needs attention (the report only).
    private let spools: [SheetSpool]
    private let streamedName: String
    private let streamedHeader: [String]
    private let streamedPosition: Int
    private var widths: ColumnWidths
    /// Each status (in `RowStatus.allCases` order) and provider as a shared string: in **All
    /// rows** a status cell is then `<c t="s"><v>10</v></c>`, not its text inline on every row.
    private let statusStrings: [XLSXSharedString]
    /// Google's and Outlook's names (the report only).
    private let providerStrings: [XLSXSharedString]
    /// The streamed sheet's header row (bold), repeated atop each continuation sheet.
    private let headerCells: [XLSXCell]
    /// The streamed sheet's first rows, until its widths are known; nil once it has begun.
    private var pending: [[XLSXCell]]? = []

    /// Whether All rows ends with the `changes` column (import reports).
    private let changesColumn: Bool

    /// The three sheets of the report, written through `output`; `changesColumn` adds the
    /// import report's `changes` column to All rows.
    init(output: OutputFile, changesColumn: Bool = false) throws {
        self.changesColumn = changesColumn
        writer = XLSXWriter { try output.write($0) }
        isReport = true
        spools = [
            try SheetSpool(name: "To send", header: Self.toSendColumns),
            try SheetSpool(name: "Needs attention", header: Self.attentionColumns),
        ]
        streamedName = "All rows"
        streamedHeader = changesColumn ? ReportRow.importColumns : ReportRow.columns
        streamedPosition = 200 // room for continuation sheets after each (more than 1,048,576 rows)
        widths = ColumnWidths(header: streamedHeader)
        headerCells = streamedHeader.map { .text($0, .bold) }
        statusStrings = RowStatus.allCases.map { [writer] in writer.sharedString($0.rawValue) }
        providerStrings = [CalendarProvider.google, .outlook].map { [writer] in writer.sharedString($0.rawValue) }
    }

    /// One sheet, `name`, with `columns`: every cell text.
    init(output: OutputFile, sheet name: String, columns: [String]) throws {
        changesColumn = false
        writer = XLSXWriter { try output.write($0) }
        isReport = false
        spools = []
        streamedName = name
        streamedHeader = columns
        streamedPosition = 0
        widths = ColumnWidths(header: columns)
        headerCells = columns.map { .text($0, .bold) }
        statusStrings = []
        providerStrings = []
    }

    /// The link's short display text.
    static func linkText(_ provider: CalendarProvider?) -> String {
        switch provider {
        case .google: "Connect Google calendar"
        case .outlook: "Connect Outlook calendar"
        case nil: "Connect calendar"
        }
    }

    func add(_ row: ReportRow) throws {
        precondition(isReport, "ReportWorkbook.add(_:) on a plain table")
        func text(_ s: String?) -> XLSXCell { s.map { $0.isEmpty ? .empty : .text($0) } ?? .empty }
        if let url = row.authUrl, !url.isEmpty, row.authorized != true {
            try spools[0].append([text(row.name), text(row.email), text(row.provider.map { $0 == .google ? "Google" : "Outlook" }),
                                  .link(display: Self.linkText(row.provider), url: url)])
        }
        let rowCell: XLSXCell = row.row > 0 ? .number(row.row) : .empty
        let lineCell: XLSXCell = row.line > 0 ? .number(row.line) : .empty
        if Self.attentionStatuses.contains(row.status.rawValue) {
            try spools[1].append([rowCell, lineCell, .text(row.status.rawValue), text(row.name), text(row.email),
                                  row.message.isEmpty ? .empty : .text(row.message, .wrapped)])
        }
        var cells: [XLSXCell] = [
            rowCell, lineCell, .text(row.status.rawValue), text(row.id), text(row.name), text(row.email),
            text(row.provider?.rawValue), text(row.calendarId), row.calendarAvailability.map { .number($0) } ?? .empty,
            text(row.authUrl), text(row.authorized.map { $0 ? "true" : "false" }), text(row.message),
        ]
        if changesColumn { cells.append(text(row.changes)) }
        try stream(cells)
    }

    /// Rows as validation leaves them, `statuses[i]` being `rows[i]`'s: the same workbook as
    /// ``add(_:)`` of `ReportRow(rows[i], status: statuses[i])` for each. The usual row (nothing
    /// needing attention, and **All rows** begun, its widths known) is written into the sheet
    /// straight from the input's bytes, without a `ReportRow`, an `XLSXCell` array or a `String`
    /// per value: building those was more than half of the time of writing a large workbook.
    /// The others (a few) take ``add(_:)``.
    ///
    /// The rows are read in place, through pointers the caller keeps valid for the call (the
    /// batch holds them while they are written), as the CSV report's lines are.
    func add(_ rows: Span<ValidatedRow>, statuses: Span<RowStatus>) throws {
        precondition(isReport, "ReportWorkbook.add(_:statuses:) on a plain table")
        let attention = Self.attentionCases
        for i in rows.indices {
            let status = statuses[i]
            if pending != nil || attention.contains(status) {
                try add(ReportRow(rows[i], status: status))
                continue
            }
            try writer.beginRow(continuingWith: headerCells)
            let number = rows[i].record.row, line = rows[i].record.line
            if number > 0 { writer.appendNumber(number, column: 0) }
            if line > 0 { writer.appendNumber(line, column: 1) }
            writer.appendShared(statusStrings[Self.statusIndex(status)], column: 2)
            if let id = rows[i].id { writer.appendText(id, column: 3) }
            // The cells read where they lie in the batch (``BorrowedCells``), as `Span`s of the row's text.
            let text = rows[i].record.input.bytes.span
            if let r = BorrowedCells.bounds(.name, rows, i) { writer.appendText(utf8: text.extracting(r), column: 4) }
            if let r = BorrowedCells.bounds(.email, rows, i) { writer.appendText(utf8: text.extracting(r), column: 5) }
            if let p = rows[i].provider {
                writer.appendShared(providerStrings[p == .google ? 0 : 1], column: 6)
                if let r = BorrowedCells.bounds(p.calendarIdField, rows, i) { writer.appendText(utf8: text.extracting(r), column: 7) }
            }
            if let a = rows[i].calendarAvailability { writer.appendNumber(a, column: 8) }
            // authUrl and authorized are unknown before anything is sent; changes too.
            if !rows[i].issues.isEmpty { writer.appendText(rows[i].issues.reportMessage, column: 11) }
            try writer.endRow()
        }
    }

    /// ``add(_:statuses:)`` for a batch arena (``RowArena``): the same workbook, the usual row
    /// written into the sheet from the batch's bytes, a row needing attention by
    /// ``addAttention(_:_:status:)``, and the first rows (until the widths are known) through
    /// ``add(_:)``.
    func add(_ arena: RowArena, statuses: Span<RowStatus>) throws {
        precondition(isReport, "ReportWorkbook.add(_:statuses:) on a plain table")
        let attention = Self.attentionCases
        let bytes = arena.bytes
        let text = bytes.span
        for i in 0..<arena.count {
            let status = statuses[i]
            if pending != nil {
                try add(ReportRow(arena, i, status: status))
                continue
            }
            if attention.contains(status) {
                try addAttention(arena, i, status: status)
                continue
            }
            try writer.beginRow(continuingWith: headerCells)
            let number = arena.rows[i].row, line = arena.rows[i].line
            if number > 0 { writer.appendNumber(number, column: 0) }
            if line > 0 { writer.appendNumber(line, column: 1) }
            writer.appendShared(statusStrings[Self.statusIndex(status)], column: 2)
            // The id as ``add(_:statuses:)`` writes it (a `String`, as the validated row holds it).
            if let id = arena.text(.id, i) { writer.appendText(id, column: 3) }
            if let r = ArenaRow.range(arena.rows[i].nameEntry) { writer.appendText(utf8: text.extracting(r), column: 4) }
            if let r = ArenaRow.range(arena.rows[i].emailEntry) { writer.appendText(utf8: text.extracting(r), column: 5) }
            if let p = arena.rows[i].provider {
                writer.appendShared(providerStrings[p == .google ? 0 : 1], column: 6)
                if let r = ArenaRow.range(arena.rows[i].calendarEntry) { writer.appendText(utf8: text.extracting(r), column: 7) }
            }
            let a = arena.rows[i].availability
            if a >= 0 { writer.appendNumber(Int(a), column: 8) }
            // authUrl and authorized are unknown before anything is sent; changes too.
            if arena.rows[i].issueSlot >= 0, !arena.issues(i).isEmpty { writer.appendText(arena.message(i), column: 11) }
            try writer.endRow()
        }
    }

    /// Row `i` of `arena`, which needs attention, once **All rows** has begun: the same cells as
    /// ``add(_:)`` of `ReportRow(arena, i, status:)` writes (its status and provider as inline
    /// text, as that path has them, not shared strings), without the `ReportRow`, the cell
    /// array of **All rows** or a second copy of the message; its **Needs attention** row
    /// spooled as there. (An arena row has no link, so nothing goes to **To send**.) These rows
    /// through ``add(_:)`` cost about six usual rows each (issue 15).
    private func addAttention(_ arena: RowArena, _ i: Int, status: RowStatus) throws {
        let number = arena.rows[i].row, line = arena.rows[i].line
        let name = arena.text(.name, i), email = arena.text(.email, i)
        let message = arena.message(i)
        func cell(_ s: String?) -> XLSXCell { s.map { $0.isEmpty ? .empty : .text($0) } ?? .empty }
        try spools[1].append([number > 0 ? .number(number) : .empty, line > 0 ? .number(line) : .empty, .text(status.rawValue),
                              cell(name), cell(email), message.isEmpty ? .empty : .text(message, .wrapped)])
        try writer.beginRow(continuingWith: headerCells)
        if number > 0 { writer.appendNumber(number, column: 0) }
        if line > 0 { writer.appendNumber(line, column: 1) }
        writer.appendText(status.rawValue, column: 2)
        if let id = arena.text(.id, i) { writer.appendText(id, column: 3) }
        if let name { writer.appendText(name, column: 4) }
        if let email { writer.appendText(email, column: 5) }
        if let p = arena.rows[i].provider {
            writer.appendText(p.rawValue, column: 6)
            if let calendarId = arena.text(p.calendarIdField, i) { writer.appendText(calendarId, column: 7) }
        }
        let a = arena.rows[i].availability
        if a >= 0 { writer.appendNumber(Int(a), column: 8) }
        // authUrl and authorized are unknown before anything is sent; changes too.
        writer.appendText(message, column: 11)
        try writer.endRow()
    }

    /// The status's place in `RowStatus.allCases` (a switch, not a search per row).
    static func statusIndex(_ status: RowStatus) -> Int {
        switch status {
        case .created: 0
        case .updated: 1
        case .unchanged: 2
        case .recovered: 3
        case .deleted: 4
        case .missing: 5
        case .wouldCreate: 6
        case .wouldUpdate: 7
        case .wouldDelete: 8
        case .wouldRecover: 9
        case .valid: 10
        case .invalid: 11
        case .failed: 12
        case .skipped: 13
        }
    }

    /// A row of the plain table.
    func add(cells: [String]) throws {
        try stream(cells.map { $0.isEmpty ? .empty : .text($0) })
    }

    private func stream(_ cells: [XLSXCell]) throws {
        guard pending != nil else { return try writer.appendRow(cells, continuingWith: headerCells) }
        widths.measure(cells)
        pending!.append(cells)
        if pending!.count >= Self.widthSample { try beginStreamed() }
    }

    private func beginStreamed() throws {
        var options = XLSXSheetOptions()
        options.columnWidths = widths.widths
        try writer.beginSheet(streamedName, options: options, position: streamedPosition)
        try writer.appendRow(headerCells)
        for cells in pending ?? [] { try writer.appendRow(cells) }
        pending = nil
    }

    /// Ends the streamed sheet, writes the spooled ones and closes the workbook (every sheet:
    /// header frozen and filtered, widths fitted, printed to the page width).
    func finish() throws {
        if pending != nil { try beginStreamed() }
        try writer.endSheet()
        for (i, spool) in spools.enumerated() { try spool.write(to: writer, options: XLSXSheetOptions(), position: i * 100) }
        try writer.close()
    }
}
