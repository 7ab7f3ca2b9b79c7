import Foundation
import Testing
import TestSupport
import XLSXCodec

/// Rows written cell by cell (``XLSXWriter/beginRow(continuingWith:)`` …) as the report's batch
/// path writes them, and the writer's queue: errors of the output reach the caller.
@Suite struct XLSXWriterRowTests {
    struct OutputFailed: Error, Equatable {}

    static let rows: [[XLSXCell]] = [
        [.number(1), .number(2), .text("valid"), .empty, .text("Chloé"), .text("a@example.com")],
        [.number(2), .empty, .text("invalid"), .text("00123"), .empty, .empty, .text("google"), .empty, .number(-5)],
        [.empty, .text("  spaced  "), .text("a <b> & \"c\"\r\nline\u{1}end"), .text("=SUM(A1)"), .text("\u{FEFF}x\u{FFFE}")],
        [],
    ]

    /// The workbook of ``rows``, each written with `write`.
    static func workbook(rowLimit: Int = XLSXWriter.maxRows, _ write: (XLSXWriter, [XLSXCell]) throws -> Void) throws -> [UInt8] {
        var bytes: [UInt8] = []
        let writer = XLSXWriter(output: { bytes += $0 }, rowLimit: rowLimit)
        try writer.beginSheet("All rows")
        for _ in 0..<3 { for row in rows { try write(writer, row) } }
        try writer.close()
        return bytes
    }

    /// The same cells through the cell-by-cell calls (text as UTF-8 bytes).
    static func cellByCell(_ writer: XLSXWriter, _ cells: [XLSXCell], header: [XLSXCell]? = nil) throws {
        try writer.beginRow(continuingWith: header)
        for (column, cell) in cells.enumerated() {
            switch cell {
            case let .text(s, style):
                var s = s
                s.withUTF8 { writer.appendText(utf8: $0, column: column, style: style) }
            case let .number(v, style): writer.appendNumber(v, column: column, style: style)
            default: break
            }
        }
        try writer.endRow()
    }

    @Test func cellByCellWritesTheSameWorkbookAsWholeRows() throws {
        let whole = try Self.workbook { try $0.appendRow($1) }
        let cells = try Self.workbook { try Self.cellByCell($0, $1) }
        #expect(whole == cells)
        let literal = try Self.workbook { writer, _ in
            try writer.beginRow()
            writer.appendText(literal: "valid", column: 2)
            writer.appendText("", column: 3)
            try writer.endRow()
        }
        let text = try Self.workbook { writer, _ in try writer.appendRow([.empty, .empty, .text("valid")]) }
        #expect(literal == text)
    }

    @Test func cellByCellRowsContinueAFullSheet() throws {
        let header: [XLSXCell] = [.text("n", .bold)]
        var bytes: [UInt8] = []
        let writer = XLSXWriter(output: { bytes += $0 }, rowLimit: 2)
        try writer.beginSheet("All rows")
        try writer.appendRow(header)
        for i in 1...3 { try Self.cellByCell(writer, [.number(i)], header: header) }
        #expect(throws: XLSXError.self) { try writer.beginRow() }
        try writer.close()
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("full.xlsx").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try XLSXReader(path: path).sheets.map(\.name) == ["All rows", "All rows (2)", "All rows (3)"], "a header and one row a sheet")
    }

    @Test(.enabled(if: OpenpyxlDump.available, "python3 with openpyxl (.build-venv) is not installed"))
    func cellsWithoutReferencesLandInTheirColumns() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("cells.xlsx").path
        try Data(try Self.workbook { try Self.cellByCell($0, $1) }).write(to: URL(fileURLWithPath: path))
        let sheet = try OpenpyxlDump.read(path).sheets[0]
        #expect(sheet.values(1) == ["1", "2", "valid", "", "Chloé", "a@example.com", "", "", ""])
        #expect(sheet.values(2) == ["2", "", "invalid", "00123", "", "", "google", "", "-5"])
        #expect(sheet.values(3) == ["", "  spaced  ", "a <b> & \"c\"\r\nlineend", "=SUM(A1)", "\u{FEFF}x", "", "", "", ""])
        #expect(sheet.rows[1][3]?.t == "str" && sheet.rows[2][3]?.t == "str")
        #expect(sheet.rows.count == 11, "three times the four rows, the last (empty) one not counted")
    }

    @Test func anOutputErrorReachesTheCaller() throws {
        var written = 0
        let writer = XLSXWriter(output: { bytes in
            written += bytes.count
            if written > 100_000 { throw OutputFailed() }
        })
        try writer.beginSheet("All rows")
        // Rows until the error comes back (the queue writes behind the caller), or the sheet ends.
        #expect(throws: OutputFailed.self) {
            for i in 0..<1_000_000 { try writer.appendRow([.number(i), .text("row \(i) of noise \(i &* 2_654_435_761)")]) }
            try writer.close()
        }
        #expect(written < 2_000_000, "the caller stops soon after the output fails")
    }

    @Test func anAbandonedWriterStopsWriting() throws {
        nonisolated(unsafe) var calls = 0
        do {
            let writer = XLSXWriter(output: { _ in calls += 1 })
            try writer.beginSheet("All rows")
            for i in 0..<20_000 { try writer.appendRow([.number(i), .text("row \(i)")]) }
        } // dropped without close(): its deinit waits for the queue
        let after = calls
        usleep(50_000)
        #expect(calls == after, "nothing written once the writer is gone")
    }
}
