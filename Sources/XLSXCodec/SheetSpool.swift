/// The rows of a sheet kept in a temporary file until the sheet can be written, with the widths
/// its columns need. Several sheets can then be filled at once, row by row, and written one
/// after the other into the ZIP at the end, with memory that does not grow with the rows.
///
/// A row is stored as a 4-byte length and its cells; a cell as a tag (0 empty, 1 text, 2 number,
/// 3 link), a style, and its strings as 4-byte lengths and UTF-8 bytes.
public final class SheetSpool {
    public let name: String
    public let header: [String]
    public private(set) var rowCount = 0
    /// The widths its columns need (header included).
    public private(set) var widths: ColumnWidths
    private let file: TemporaryFile
    private var record: [UInt8] = []

    public init(name: String, header: [String], maxWidth: Int = 60) throws {
        self.name = name
        self.header = header
        widths = ColumnWidths(header: header, maxWidth: maxWidth)
        file = try TemporaryFile()
    }

    public func append(_ cells: [XLSXCell]) throws {
        record.removeAll(keepingCapacity: true)
        record.le32(0)
        widths.measure(cells)
        for cell in cells {
            switch cell {
            case .empty:
                record.append(0); record.append(0)
            case let .text(s, style):
                record.append(1); record.append(UInt8(style.rawValue))
                putString(s)
            case let .number(v, style):
                record.append(2); record.append(UInt8(style.rawValue))
                putString(String(v))
            case let .link(display, url):
                record.append(3); record.append(0)
                putString(display)
                putString(url)
            }
        }
        let length = UInt32(record.count - 4)
        record.replaceSubrange(0..<4, with: length.littleEndianBytes)
        try file.write(record)
        rowCount += 1
    }

    private func putString(_ s: String) {
        let utf8 = s.utf8
        record.le32(UInt32(utf8.count))
        record.append(contentsOf: utf8)
    }

    /// Writes the sheet: its header in bold, then every spooled row (continued in `NAME (2)`, …
    /// beyond the rows a sheet holds, so give sheets positions with room between them).
    public func write(to writer: XLSXWriter, options: XLSXSheetOptions, position: Int? = nil) throws {
        var options = options
        options.columnWidths = widths.widths
        try writer.beginSheet(name, options: options, position: position)
        let header: [XLSXCell] = self.header.map { .text($0, .bold) }
        try writer.appendRow(header)
        try file.rewind()
        var buffer: [UInt8] = []
        var cells: [XLSXCell] = []
        while try file.read(4, into: &buffer) {
            let length = Int(UInt32(buffer[0]) | UInt32(buffer[1]) << 8 | UInt32(buffer[2]) << 16 | UInt32(buffer[3]) << 24)
            guard try file.read(length, into: &buffer) else { throw XLSXError("temporary file", "ended in the middle of a row") }
            cells.removeAll(keepingCapacity: true)
            var i = 0
            func string() -> String {
                let n = Int(UInt32(buffer[i]) | UInt32(buffer[i + 1]) << 8 | UInt32(buffer[i + 2]) << 16 | UInt32(buffer[i + 3]) << 24)
                i += 4
                defer { i += n }
                return String(decoding: buffer[i..<i + n], as: UTF8.self)
            }
            while i < buffer.count {
                let tag = buffer[i], style = XLSXStyle(rawValue: Int(buffer[i + 1])) ?? .plain
                i += 2
                switch tag {
                case 1: cells.append(.text(string(), style))
                case 2: cells.append(.number(Int(string()) ?? 0, style))
                case 3:
                    let display = string()
                    cells.append(.link(display: display, url: string()))
                default: cells.append(.empty)
                }
            }
            try writer.appendRow(cells, continuingWith: header)
        }
        try writer.endSheet()
    }
}
