import XLSXCodec

/// The report as a workbook for people (cli.md, Report): a sheet **To send** with a clickable
/// link for each person who still has to authorize, **Needs attention** with the rows someone
/// must look at and their messages wrapped, and **All rows** with the report's columns.
///
/// Rows arrive one at a time and in the report's order, but the three sheets are written one
/// after the other into the ZIP: each sheet's rows wait in a temporary file (``SheetSpool``)
/// until ``write(to:)``, so memory does not grow with the rows. With other columns than the
/// report's (export), the workbook is one plain sheet of text cells.
final class ReportWorkbook {
    private let spools: [SheetSpool]
    private let isReport: Bool

    static let toSendColumns = ["Name", "E-mail", "Provider", "Link"]
    static let attentionColumns = ["row", "line", "status", "name", "email", "message"]
    /// Statuses shown on **Needs attention**, by name so that statuses added later (`missing`,
    /// `deleted`, …) are matched as cli.md lists them.
    static let attentionStatuses: Set<String> = ["invalid", "failed", "skipped", "missing"]

    /// The three sheets of the report.
    init() throws {
        isReport = true
        spools = [
            try SheetSpool(name: "To send", header: Self.toSendColumns),
            try SheetSpool(name: "Needs attention", header: Self.attentionColumns),
            try SheetSpool(name: "All rows", header: ReportRow.columns),
        ]
    }

    /// One sheet, `name`, with `columns`: every cell text.
    init(sheet name: String, columns: [String]) throws {
        isReport = false
        spools = [try SheetSpool(name: name, header: columns)]
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
        try spools[2].append([
            rowCell, lineCell, .text(row.status.rawValue), text(row.id), text(row.name), text(row.email),
            text(row.provider?.rawValue), text(row.calendarId), row.calendarAvailability.map { .number($0) } ?? .empty,
            text(row.authUrl), text(row.authorized.map { $0 ? "true" : "false" }), text(row.message),
        ])
    }

    /// A row of the plain table.
    func add(cells: [String]) throws {
        try spools[0].append(cells.map { $0.isEmpty ? .empty : .text($0) })
    }

    /// Writes the workbook (every sheet: header frozen and filtered, widths fitted, printed to
    /// the page width) through `output`.
    func write(to output: OutputFile) throws {
        let writer = XLSXWriter { try output.write($0) }
        for spool in spools { try spool.write(to: writer, options: XLSXSheetOptions()) }
        try writer.close()
    }
}
