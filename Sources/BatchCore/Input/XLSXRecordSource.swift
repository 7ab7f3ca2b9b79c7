import BatchModel
import CSVCodec
import XLSXCodec

/// Reads resources from a sheet of an `.xlsx` workbook (the first visible sheet, or the one
/// named): its first non-empty row is the header, each later non-empty row one record.
///
/// Cells come as the spreadsheet shows them (``XLSXNumberText``): a phone number stored as a
/// number is `15000000000`, an id `123`, a date `2024-03-01`. A record's `line` is its row
/// number in the sheet. Its `raw` is the row as a CSV line (spreadsheet-safe, which the CSV
/// reader undoes), so the errors file of a workbook is a CSV that imports again. Problems with
/// the workbook itself are `InputError`s naming the file and the part or cell (`Sheet1!C17`).
public final class XLSXRecordSource: RecordSource {
    public let format = InputFormat.xlsx
    public let mapping: ColumnMapping
    public var unmappedColumns: [String] { mapping.unmappedColumns }
    /// The sheet read.
    public let sheetName: String
    /// The row number of the header.
    public let headerRow: Int
    /// Records returned so far.
    public private(set) var rowsRead = 0

    private let path: String
    private let sheet: XLSXSheetReader
    private let keepRaw: Bool
    private let fields: [ResourceField?]

    /// Opens the workbook at `path` and reads the header of `options.sheet` (nil: the first visible sheet).
    public init(path: String, options: InputOptions) throws {
        guard path != "-" else { throw InputError.unsupported("an .xlsx workbook cannot be read from standard input; give its path") }
        self.path = path
        keepRaw = options.keepRaw
        let header: XLSXRow?
        do {
            let workbook = try XLSXReader(path: path)
            sheet = try workbook.sheet(named: options.sheet)
            header = try sheet.nextRow()
        } catch let error as XLSXError {
            throw Self.inputError(error, path: path)
        }
        sheetName = sheet.name
        guard let header else { throw InputError.emptyFile(path: "\(path) (sheet '\(sheet.name)')") }
        headerRow = header.number
        mapping = try ColumnMapping(headers: header.cells, overrides: options.overrides)
        fields = mapping.fields
    }

    static func inputError(_ error: XLSXError, path: String) -> InputError {
        .unsupported("\(path): \(error.description)")
    }

    public func next() throws -> SourceRecord? {
        let row: XLSXRow?
        do { row = try sheet.nextRow() } catch let error as XLSXError { throw Self.inputError(error, path: path) }
        guard let row else { return nil }
        rowsRead += 1
        var input = ResourceInput()
        for (i, field) in fields.enumerated() where i < row.cells.count {
            guard let field, !row.cells[i].isEmpty else { continue }
            // Trimmed of spaces and tabs as a CSV cell is, on the bytes (no Foundation per cell).
            let cell = row.cells[i]
            let span = cell.utf8.span // the String's own bytes: no copy
            let value = CellText.trimmedRange(span)
            if field == .serviceIds {
                if let ids = CellText.serviceIds(span, value) { input.serviceIds = ids }
            } else {
                input.set(field) { $0.append(contentsOf: cell.utf8.dropFirst(value.lowerBound).prefix(value.count)) }
            }
        }
        var issues: [RowIssue] = []
        if row.cells.count > fields.count, row.cells[fields.count...].contains(where: { !$0.isEmpty }) {
            let last = row.cells.lastIndex { !$0.isEmpty }!
            issues.append(RowIssue(.error, field: nil,
                "\(XLSXReader.reference(sheet: sheetName, column: last, row: row.number)) has a value but its column has no header"))
        }
        var record = SourceRecord(row: rowsRead, line: row.number, input: input, issues: issues)
        if keepRaw { record.raw = Self.csvLine(row.cells, width: fields.count) }
        return record
    }

    /// The cells as one CSV line without its line end, padded to the header's width.
    static func csvLine(_ cells: [String], width: Int) -> [UInt8] {
        var writer = CSVWriter(options: CSVWriterOptions(lineEnding: .crlf, spreadsheetSafe: true))
        var padded = cells
        if padded.count < width { padded += repeatElement("", count: width - padded.count) }
        try? writer.write(record: padded)
        try? writer.flush()
        return Array(writer.bytes.dropLast(2))
    }

    /// Reads the whole sheet once, checking only that it can be read (ZIP, XML, cells), so that
    /// an import stops before sending anything when row 90,000 is broken.
    public static func checkWholeFile(path: String, options: InputOptions) throws {
        do {
            let sheet = try XLSXReader(path: path).sheet(named: options.sheet)
            while try sheet.nextRow() != nil {}
        } catch let error as XLSXError {
            throw inputError(error, path: path)
        }
    }
}
