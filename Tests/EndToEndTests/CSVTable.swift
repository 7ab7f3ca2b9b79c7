import TestSupport
/// A small RFC 4180 reader and writer for checking and editing the tool's CSV output in tests,
/// independent of the CSV codec under test.
struct CSVTable {
    var bom: Bool
    var delimiter: Character
    var header: [String]
    var rows: [[String]]

    init(parsing text: String, delimiter: Character = ",") {
        var body = Substring(text)
        bom = body.hasPrefix("\u{FEFF}")
        if bom { body = body.dropFirst() }
        self.delimiter = delimiter
        var records: [[String]] = []
        var field = ""
        var record: [String] = []
        var inQuotes = false
        var afterQuote = false
        var scalars = Array(body.unicodeScalars)[...]
        let d = delimiter.unicodeScalars.first!
        while let c = scalars.popFirst() {
            if inQuotes {
                if c == "\"" { inQuotes = false; afterQuote = true } else { field.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"":
                if afterQuote { field.append("\"") }
                inQuotes = true
                afterQuote = false
            case d:
                record.append(field); field = ""; afterQuote = false
            case "\r", "\n":
                if c == "\r", scalars.first == "\n" { scalars.removeFirst() }
                record.append(field); field = ""; afterQuote = false
                records.append(record); record = []
            default:
                field.unicodeScalars.append(c); afterQuote = false
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        header = records.first ?? []
        rows = Array(records.dropFirst())
    }

    func column(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// Row `i`'s cell in column `name` (0-based row, header excluded).
    func cell(_ row: Int, _ name: String) -> String? {
        guard let c = column(name), c < rows[row].count else { return nil }
        return rows[row][c]
    }

    mutating func set(_ row: Int, _ name: String, _ value: String) {
        let c = column(name)!
        while rows[row].count <= c { rows[row].append("") }
        rows[row][c] = value
    }

    /// The table as a spreadsheet saves it: CRLF, quoting only where needed, the BOM kept.
    func serialized() -> String {
        func quote(_ f: String) -> String {
            f.contains(delimiter) || f.contains("\"") || f.contains("\n") || f.contains("\r")
                ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
        }
        let lines = ([header] + rows).map { $0.map(quote).joined(separator: String(delimiter)) }
        return (bom ? "\u{FEFF}" : "") + lines.joined(separator: "\r\n") + "\r\n"
    }
}
