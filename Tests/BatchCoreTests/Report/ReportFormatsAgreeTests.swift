import CSVCodec
import Foundation
import TestSupport
import Testing
@testable import BatchModel
@testable import BatchReport

/// One report, two encoders: the CSV report and the JSON Lines report say the same thing about
/// every row, column for column, whatever the values hold.
@Suite struct ReportFormatsAgreeTests {
    static let rows: [ReportRow] = {
        let awkward = ["", "Ana", "Ben, Jr.", "say \"hi\"", "two\nlines", "=1+2", "+1 555 0100", "-x", "@home", "\tTab",
                       "Zoë 🎉", "back\\slash", "00123", "'quoted"]
        var rows: [ReportRow] = []
        for (i, text) in awkward.enumerated() {
            rows.append(ReportRow(
                row: i + 1, line: i % 3 == 0 ? 0 : i + 2, status: RowStatus.allCases[i % RowStatus.allCases.count],
                id: i % 2 == 0 ? nil : "id-\(text)", name: text, email: "p\(i)@example.com",
                provider: i % 3 == 0 ? nil : (i % 3 == 1 ? .google : .outlook), calendarId: i % 3 == 0 ? nil : text,
                calendarAvailability: i % 4 == 0 ? nil : i % 3, authUrl: i % 2 == 0 ? "https://accounts.example/?s=\(i)&x=\(text)" : nil,
                authorized: i % 5 == 0 ? nil : i % 2 == 0, message: text.isEmpty ? "" : "name: \(text); warning: w",
                changes: i % 2 == 0 ? "name; googleCalendarId" : nil))
        }
        return rows
    }()

    @Test(arguments: [false, true])
    func csvAndJSONLinesAgreeRowForRow(changesColumn: Bool) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let csvPath = dir.path("r.csv")
        let jsonPath = dir.path("r.jsonl")
        for (path, format) in [(csvPath, ReportFormat.csv), (jsonPath, .jsonl)] {
            let writer = try ReportWriter(path: path, format: format, changesColumn: changesColumn)
            for row in Self.rows { try writer.write(row) }
            try writer.close()
        }

        let reader = try CSVReader(path: csvPath, options: CSVReaderOptions())
        var record = CSVRecord()
        #expect(try reader.readRecord(into: &record))
        let header = record.fields
        #expect(header == (changesColumn ? ReportRow.importColumns : ReportRow.columns))
        let lines = try String(contentsOfFile: jsonPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == Self.rows.count)
        for (i, line) in lines.enumerated() {
            #expect(try reader.readRecord(into: &record), "row \(i + 1) is in the CSV")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for (c, column) in header.enumerated() {
                var csvCell = record[c]
                // The spreadsheet guard: a user value that starts like a formula gets a leading '.
                if !ReportRow.ownValueColumns.contains(c), csvCell.hasPrefix("'"),
                   let second = csvCell.dropFirst().first, "=+-@\t\r".contains(second) {
                    csvCell.removeFirst()
                }
                let json: String = switch object[column] {
                case nil, is NSNull: ""
                case let n as NSNumber where column == "authorized": n.boolValue ? "true" : "false"
                case let n as NSNumber: n.stringValue
                case let s as String: s
                case let other?: "\(other)"
                }
                #expect(csvCell == json, "row \(i + 1), \(column): CSV \(csvCell.debugDescription), JSON \(json.debugDescription)")
            }
        }
        #expect(try !reader.readRecord(into: &record), "nothing more in the CSV")
    }
}
