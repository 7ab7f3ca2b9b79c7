/// The rows of one sheet, read as they are asked for: the part is inflated and parsed piece by
/// piece, so memory does not grow with the rows. Rows whose cells are all empty are skipped.
public final class XLSXSheetReader {
    public let name: String
    public let part: String
    /// Excel's grid is 16,384 columns wide; a cell beyond is an error, not a huge row.
    public static let maxColumns = 16_384

    private var parser: XMLPullParser
    private let strings: [String]
    private let dateStyles: [Bool]
    private let date1904: Bool
    private var lastRow = 0
    private var ended = false

    init(name: String, part: String, reader: ZipEntryReader, workbook: XLSXReader, strings: [String]) {
        self.name = name
        self.part = part
        self.strings = strings
        dateStyles = workbook.dateStyles
        date1904 = workbook.date1904
        parser = XMLPullParser(part: part) { chunk in
            do { return try reader.read(into: &chunk) } catch let error as ZipError { throw XLSXError(error.entry, error.reason) }
        }
    }

    /// The column (0-based) and row of a reference such as `C17`.
    static func parseReference(_ ref: String) -> (column: Int, row: Int)? {
        var column = 0, row = 0, letters = 0, digits = 0
        for b in ref.utf8 {
            switch b {
            case 0x41...0x5A where digits == 0:
                column = column * 26 + Int(b - 0x40); letters += 1
            case 0x61...0x7A where digits == 0:
                column = column * 26 + Int(b - 0x60); letters += 1
            case 0x30...0x39:
                row = row * 10 + Int(b - 0x30); digits += 1
            default:
                return nil
            }
            if letters > 3 || digits > 7 { return nil }
        }
        guard letters > 0, digits > 0, row > 0 else { return nil }
        return (column - 1, row)
    }

    func location(_ column: Int, _ row: Int) -> String { XLSXReader.reference(sheet: name, column: column, row: row) }

    /// The next row with at least one non-blank cell, or nil at the end of the sheet.
    public func nextRow() throws -> XLSXRow? {
        guard !ended else { return nil }
        var row: XLSXRow?
        var column = -1
        var type = "", style = 0
        var value = "", inline = ""
        var inValue = false, inInline = false, inText = false, phonetic = 0
        while let event = try parser.next() {
            switch event {
            case let .start("row", attributes):
                var number = lastRow + 1
                if let r = attributes.value("r") {
                    guard let n = Int(r), n > lastRow, n <= 1_048_576 else {
                        throw XLSXError("\(name) row \(r)", "a row number that is not after row \(lastRow)")
                    }
                    number = n
                }
                lastRow = number
                row = XLSXRow(number: number, cells: [])
                column = -1
            case .end("row"):
                if let done = row {
                    row = nil
                    if done.cells.contains(where: { !$0.allSatisfy(\.isWhitespace) }) { return done }
                }
            case let .start("c", attributes):
                guard row != nil else { throw XLSXError(part, "a cell outside a row") }
                if let r = attributes.value("r") {
                    guard let ref = Self.parseReference(r), ref.row == lastRow, ref.column > column else {
                        throw XLSXError(location(max(column + 1, 0), lastRow), "the cell reference '\(r)' is out of place")
                    }
                    column = ref.column
                } else {
                    column += 1
                }
                guard column < Self.maxColumns else {
                    throw XLSXError(location(column, lastRow), "beyond the last column XFD")
                }
                type = attributes.value("t") ?? "n"
                style = attributes.value("s").flatMap(Int.init) ?? 0
                value = ""
                inline = ""
            case .end("c"):
                let text = try cellText(type: type, style: style, value: value, inline: inline, column: column)
                if !text.isEmpty {
                    if row!.cells.count <= column { row!.cells += repeatElement("", count: column + 1 - row!.cells.count) }
                    row!.cells[column] = text
                }
            case .start("v", _): inValue = true
            case .end("v"): inValue = false
            case .start("is", _): inInline = true
            case .end("is"): inInline = false
            case .start("rPh", _): phonetic += 1
            case .end("rPh"): phonetic -= 1
            case .start("t", _): inText = inInline && phonetic == 0
            case .end("t"): inText = false
            case let .text(t):
                if inValue { value += t } else if inText { inline += t }
            case .end("sheetData"):
                // The rest of the part (filters, links, print setup) is read for its CRC check.
                while try parser.next() != nil {}
                ended = true
                return nil
            default:
                break
            }
        }
        ended = true
        return nil
    }

    private func cellText(type: String, style: Int, value: String, inline: String, column: Int) throws -> String {
        switch type {
        case "s":
            guard !value.isEmpty else { return "" }
            guard let index = Int(value), strings.indices.contains(index) else {
                throw XLSXError(location(column, lastRow), "shared string \(value) does not exist (the workbook has \(strings.count))")
            }
            return strings[index]
        case "inlineStr": return inline
        case "str", "e", "d": return value
        case "b": return value == "1" || value.lowercased() == "true" ? "TRUE" : "FALSE"
        default:
            guard !value.isEmpty else { return "" }
            if style < dateStyles.count, dateStyles[style], let date = XLSXNumberText.isoDate(value, date1904: date1904) {
                return date
            }
            guard let text = XLSXNumberText.display(value) else {
                throw XLSXError(location(column, lastRow), "'\(value)' is not a number")
            }
            return text
        }
    }
}
