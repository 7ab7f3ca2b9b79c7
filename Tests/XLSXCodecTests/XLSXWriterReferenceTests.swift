import Foundation
import Testing
import TestSupport
import XLSXCodec

/// The sheet XML of random rows, written whole (``XLSXWriter/appendRow(_:)``) and cell by cell
/// (``XLSXWriter/beginRow(continuingWith:)``, text as UTF-8 bytes and as `String`s), against a
/// plain `String` reference of what each cell must be: the writer's pointer code (one reserve
/// and one pointer per cell, the decimal digits, the row heights counted on UTF-8 bytes) must
/// write exactly these bytes.
@Suite struct XLSXWriterReferenceTests {
    static let pieces = ["a", "é", "😀", " ", "\n", "\r\n", "\r", "&", "<", ">", "\"", "'", "\u{1}", "\t", "\u{FFFE}", "\u{FEFF}",
                         "Person 12 Dubois-Müller", "p9@acme-google.example", "e\u{301}", "ab"]
    static let widths: [Double] = [8, 12, 30, 9.5, 60, 8, 20]

    static func randomText(_ random: inout SeededRandom) -> String {
        (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    static func randomRow(_ random: inout SeededRandom) -> [XLSXCell] {
        (0..<Int.random(in: 0...14, using: &random)).map { _ in
            switch Int.random(in: 0..<6, using: &random) {
            case 0: .empty
            case 1: .number(Int.random(in: -1_000...1_000, using: &random) * [1, 1_000_003, 1 << 40, 9][Int.random(in: 0..<4, using: &random)],
                            [.plain, .plain, .bold][Int.random(in: 0..<3, using: &random)])
            default: .text(randomText(&random), [.plain, .plain, .bold, .wrapped][Int.random(in: 0..<4, using: &random)])
            }
        }
    }

    /// `text` as element content: the escapes and dropped characters of ``XMLText``.
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\r": out += "&#13;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case "\u{FFFE}", "\u{FFFF}": break
            default: if scalar.value >= 0x20 { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    static func columnName(_ column: Int) -> String {
        column < 26 ? String(UnicodeScalar(UInt8(65 + column))) : columnName(column / 26 - 1) + String(UnicodeScalar(UInt8(65 + column % 26)))
    }

    /// The row as the writer must write it; `heights`: whole rows give wrapped text its lines.
    static func reference(_ cells: [XLSXCell], row: Int, heights: Bool) -> String {
        var lines = 0
        if heights {
            for (column, cell) in cells.enumerated() {
                guard case let .text(text, .wrapped) = cell else { continue }
                let width = max(1, Int(column < widths.count ? widths[column] : 8.43) - 1)
                var n = 0
                for part in text.split(separator: "\n", omittingEmptySubsequences: false) { n += max(1, (part.utf16.count + width - 1) / width) }
                lines = max(lines, n)
            }
        }
        var xml = "<row r=\"\(row)\"" + (lines > 1 ? " ht=\"\(min(409, 15 * lines))\" customHeight=\"1\"" : "") + ">"
        var next = 0
        for (column, cell) in cells.enumerated() {
            let style: XLSXStyle
            switch cell {
            case .empty, .link: continue
            case let .text(text, s): if text.isEmpty { continue }; style = s
            case let .number(_, s): style = s
            }
            xml += "<c" + (column == next ? "" : " r=\"\(columnName(column))\(row)\"") + (style == .plain ? "" : " s=\"\(style.rawValue)\"")
            next = column + 1
            switch cell {
            case let .text(text, _):
                let spaced = [0x20, 0x09, 0x0A, 0x0D].contains { text.utf8.first == $0 || text.utf8.last == $0 }
                xml += " t=\"inlineStr\"><is><t" + (spaced ? " xml:space=\"preserve\"" : "") + ">" + escaped(text) + "</t></is></c>"
            case let .number(v, _):
                xml += "><v>\(v)</v></c>"
            default: break
            }
        }
        return xml + "</row>"
    }

    /// The `<sheetData>` of the workbook's first sheet, `rows` written with `write`.
    static func sheetData(_ rows: [[XLSXCell]], _ write: (XLSXWriter, [XLSXCell]) throws -> Void) throws -> String {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("rows.xlsx").path
        let writer = try XLSXWriter(path: path)
        try writer.beginSheet("Rows", options: XLSXSheetOptions(columnWidths: widths))
        for row in rows { try write(writer, row) }
        try writer.close()
        let zip = try ZipReader(path: path)
        let xml = String(decoding: try zip.contents(of: #require(zip.entry(named: "xl/worksheets/sheet1.xml"))), as: UTF8.self)
        let start = try #require(xml.range(of: "<sheetData>")), end = try #require(xml.range(of: "</sheetData>"))
        return String(xml[start.upperBound..<end.lowerBound])
    }

    @Test func rowsAreTheReferenceXMLWholeAndCellByCell() throws {
        var random = SeededRandom(seed: 0x0A11_0005)
        // Enough rows to hand several buffers over to the ZIP writer's queue.
        let edges: [XLSXCell] = [.number(Int.max), .number(Int.min), .number(0), .number(9), .number(10), .number(99), .number(100),
                                 .number(-1), .number(999_999_999_999_999_999), .number(1_000_000_000_000_000_000)]
        let rows = [edges] + (0..<6_000).map { _ in Self.randomRow(&random) }
        let whole = rows.enumerated().map { Self.reference($1, row: $0 + 1, heights: true) }.joined()
        let cellByCell = rows.enumerated().map { Self.reference($1, row: $0 + 1, heights: false) }.joined()
        #expect(try Self.sheetData(rows) { try $0.appendRow($1) } == whole)
        #expect(try Self.sheetData(rows) { try XLSXWriterRowTests.cellByCell($0, $1) } == cellByCell)
        let strings = try Self.sheetData(rows) { writer, cells in
            try writer.beginRow()
            for (column, cell) in cells.enumerated() {
                switch cell {
                case let .text(s, style): writer.appendText(s, column: column, style: style)
                case let .number(v, style): writer.appendNumber(v, column: column, style: style)
                default: break
                }
            }
            try writer.endRow()
        }
        #expect(strings == cellByCell)
    }
}
