#if canImport(Glibc)
import Glibc
#endif

/// Writes an Office Open XML workbook (`.xlsx`) as a stream: each sheet's rows go into the ZIP,
/// deflated, as they are appended, so memory does not grow with the rows.
///
/// Sheets are written one after the other (``beginSheet(_:options:)``, ``appendRow(_:)``,
/// ``endSheet()``); the workbook, its relationships, the content types and the styles are
/// written by ``close()``. Strings are inline strings (`t="inlineStr"`): always text, never a
/// number or a formula, and no shared-string table to hold in memory; except a small vocabulary the
/// caller registers up front (``sharedString(_:)``: a report's statuses, say), written as
/// shared strings (`t="s"`), a third of the bytes of the same inline string on every row. A sheet's hyperlinks are
/// kept in a temporary file until the sheet ends, as their elements follow the rows.
public final class XLSXWriter {
    /// Excel keeps at most this many hyperlinks on a sheet; beyond, links are written as text.
    public static let maxHyperlinksPerSheet = 65_530
    /// Excel refuses a hyperlink target longer than this (UTF-16 units); such a URL is written as text.
    public static let maxURLLength = 2_079
    /// Excel's limit on a cell's text (UTF-16 units); longer text is cut there.
    public static let maxCellText = 32_767
    /// The most rows a sheet holds (Excel refuses a workbook with more).
    public static let maxRows = 1_048_576
    /// The sheet XML is handed to the ZIP writer's queue in pieces of about this size: large
    /// enough that handing over (two queue blocks, a wake-up of each queue's thread) costs
    /// nothing next to the bytes; 64 KiB pieces made a 1M-row report some 4,800 of them.
    static let handOverSize = 1 << 18
    /// A piece's buffer: ``handOverSize`` and room for the row that crosses it (a longer row
    /// grows it).
    static let bufferCapacity = handOverSize + (1 << 14)

    private struct Sheet {
        var name: String
        /// Where its tab goes among the others (see ``beginSheet(_:options:position:)``).
        var position: Int
        var lastRow: Int
        var columns: Int
        var autoFilter: Bool
        var hasLinks: Bool
    }

    /// Deflates and writes on a queue of its own while the next rows' XML is made.
    private let zip: ThreadedZipWriter
    private let closeOutput: (() throws -> Void)?
    private var sheets: [Sheet] = []
    private var inSheet = false
    private var options = XLSXSheetOptions()
    private var row = 0
    private var columns = 0
    /// The column a cell without a reference would be in: the one after the row's last cell.
    private var nextColumn = 0
    private var links: TemporaryFile?
    private var linkCount = 0
    /// The sheet XML not yet handed to `zip`.
    private let buffer = ByteBuffer(capacity: XLSXWriter.bufferCapacity)
    /// Where text needing escapes is escaped before it joins `buffer`.
    private var scratch: [UInt8] = []
    private var closed = false
    /// The registered vocabulary (``sharedString(_:)``), in index order.
    private var vocabulary: [String] = []

    /// The most rows a sheet gets here: ``maxRows``, or fewer for tests of what happens beyond.
    public let rowLimit: Int

    /// Writes the workbook's bytes to `output`, in order.
    public init(output: @escaping ZipWriter.Output, rowLimit: Int = XLSXWriter.maxRows) {
        self.rowLimit = min(rowLimit, Self.maxRows)
        zip = ThreadedZipWriter(bufferCapacity: Self.bufferCapacity, output: output)
        closeOutput = nil
    }

    deinit {
        // Abandoned after an error, its queue may still hold work that writes to the output.
        zip.drain()
    }

    /// Creates (or truncates) the file at `path`, mode 0600, and writes the workbook there.
    public init(path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw XLSXError(path, "cannot create: \(String(cString: strerror(errno)))") }
        rowLimit = Self.maxRows
        zip = ThreadedZipWriter(bufferCapacity: Self.bufferCapacity) { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw XLSXError(path, "cannot write: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
        closeOutput = { Glibc.close(fd) }
    }

    /// Starts a sheet. Its name must be 1–31 characters, without `[ ] : * ? / \`, not starting or
    /// ending with `'`, and unlike the others (ignoring case), as Excel requires.
    ///
    /// Tabs are ordered by `position` (by default, the order sheets are written in), so a sheet
    /// that must be streamed as rows come can be written first and still show last.
    public func beginSheet(_ name: String, options: XLSXSheetOptions = XLSXSheetOptions(), position: Int? = nil) throws {
        precondition(!inSheet && !closed, "XLSXWriter.beginSheet inside a sheet or after close")
        let forbidden = Set("[]:*?/\\")
        guard (1...31).contains(name.utf16.count), !name.contains(where: forbidden.contains),
              !name.hasPrefix("'"), !name.hasSuffix("'") else {
            throw XLSXError("sheet '\(name)'", "a sheet name has 1 to 31 characters, none of [ ] : * ? / \\, and no ' at either end")
        }
        guard !sheets.contains(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw XLSXError("sheet '\(name)'", "the workbook already has a sheet of that name")
        }
        inSheet = true
        self.options = options
        row = 0
        columns = 0
        links = nil
        linkCount = 0
        let position = position ?? sheets.count
        sheets.append(Sheet(name: name, position: position, lastRow: 0, columns: 0, autoFilter: options.autoFilter, hasLinks: false))
        try zip.beginEntry("xl/worksheets/sheet\(sheets.count).xml")
        buffer.append(Self.xmlDeclaration)
        buffer.append(#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#)
        if options.fitToWidth { buffer.append(#"<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>"#) }
        buffer.append(#"<sheetViews><sheetView workbookViewId="0""#)
        buffer.append((position == 0 ? #" tabSelected="1">"# : ">"))
        if options.freezeHeaderRow {
            buffer.append(#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/>"#)
        }
        buffer.append("</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>")
        if !options.columnWidths.isEmpty {
            buffer.append("<cols>")
            for (i, w) in options.columnWidths.enumerated() {
                let width = (w * 100).rounded() / 100
                buffer.append("<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(width)\" customWidth=\"1\"/>")
            }
            buffer.append("</cols>")
        }
        buffer.append("<sheetData>")
    }

    /// Appends the next row (row 1 first). Trailing `.empty` cells write nothing.
    public func appendRow(_ cells: [XLSXCell]) throws {
        precondition(inSheet, "XLSXWriter.appendRow outside a sheet")
        try startRow(height: wrappedLines(cells))
        for (column, cell) in cells.enumerated() {
            switch cell {
            case .empty:
                continue
            case let .text(text, style):
                appendText(text, column: column, style: style)
            case let .number(value, style):
                appendNumber(value, column: column, style: style)
            case let .link(display, url):
                if linkCount < Self.maxHyperlinksPerSheet, url.utf16.count <= Self.maxURLLength, !url.isEmpty {
                    startCell(column, style: .link, type: "inlineStr")
                    appendInline(display)
                    put("</c>")
                    try recordLink(column: column, url: url)
                } else {
                    appendText(url, column: column)
                }
            }
        }
        try endRow()
    }

    // MARK: Rows cell by cell

    /// Starts the next row, to be filled cell by cell (``appendText(utf8:column:style:)``,
    /// ``appendNumber(_:column:style:)``, …, in increasing columns) and ended by ``endRow()``:
    /// the row written straight from the caller's bytes, without an `XLSXCell` array or a
    /// `String` per cell. A full sheet is continued in a new one with `header` as its first row,
    /// as ``appendRow(_:continuingWith:)`` does; without `header`, a full sheet is an error.
    public func beginRow(continuingWith header: [XLSXCell]? = nil) throws {
        precondition(inSheet, "XLSXWriter.beginRow outside a sheet")
        if let header, row == rowLimit { try continueSheet(header) }
        try startRow(height: nil)
    }

    /// Ends the row begun by ``beginRow(continuingWith:)``.
    public func endRow() throws {
        put("</row>")
        if buffer.count >= Self.handOverSize { try flush() }
    }

    /// ``appendText(utf8:column:style:)`` on borrowed bytes: how the stages hand over a cell
    /// without a pointer (the pointer-level writing stays in this codec).
    @inline(__always)
    public func appendText(utf8: Span<UInt8>, column: Int, style: XLSXStyle = .plain) {
        utf8.withUnsafeBufferPointer { appendText(utf8: $0, column: column, style: style) }
    }

    /// A text cell from valid UTF-8 bytes (as a Swift `String` or the CSV reader holds them):
    /// always text, escaped for XML; nothing when `utf8` is empty.
    public func appendText(utf8: UnsafeBufferPointer<UInt8>, column: Int, style: XLSXStyle = .plain) {
        let n = utf8.count
        guard n > 0, let p = utf8.baseAddress else { return }
        if n > Self.maxCellText { // possibly more UTF-16 units than Excel holds: the careful path
            return appendText(String(decoding: utf8, as: UTF8.self), column: column, style: style)
        }
        let preserve = Self.needsPreserve(first: p[0], last: p[n - 1])
        let plain = XMLText.isPlain(utf8)
        if column == nextColumn, style == .plain, !preserve, plain {
            // The usual cell, its opening as one literal (what the general path writes), in one
            // write through the buffer's pointer.
            nextColumn = column + 1
            columns = max(columns, nextColumn)
            var o = buffer.tail(reserving: n + 37)
            o = ByteBuffer.copy(#"<c t="inlineStr"><is><t>"#, to: o)
            o = ByteBuffer.copy(p, n, to: o)
            o = ByteBuffer.copy("</t></is></c>", to: o)
            buffer.commit(o)
            return
        }
        startCell(column, style: style, type: "inlineStr")
        put(preserve ? #"<is><t xml:space="preserve">"# : "<is><t>")
        if plain {
            buffer.append(utf8)
        } else {
            appendEscaped(utf8)
        }
        put("</t></is></c>")
    }

    /// A text cell; nothing when `text` is empty. Text Excel holds whole takes
    /// ``appendText(utf8:column:style:)`` (the same cell, without escaping plain text through a
    /// scratch copy); longer text is cut here.
    public func appendText(_ text: String, column: Int, style: XLSXStyle = .plain) {
        guard !text.isEmpty else { return }
        if text.utf8.count <= Self.maxCellText {
            var text = text
            return text.withUTF8 { appendText(utf8: $0, column: column, style: style) }
        }
        startCell(column, style: style, type: "inlineStr")
        appendInline(text)
        put("</c>")
    }

    /// A text cell of a literal the caller knows needs no escaping and has no spaces at its ends
    /// (a status, a provider's name); nothing when it is empty.
    public func appendText(literal text: StaticString, column: Int, style: XLSXStyle = .plain) {
        guard text.utf8CodeUnitCount > 0 else { return }
        startCell(column, style: style, type: "inlineStr")
        put("<is><t>")
        put(text)
        put("</t></is></c>")
    }

    /// Registers `text` as a shared string (once; registering it again gives the same one), for
    /// text many rows repeat. Keep the vocabulary small: it is held until ``close()``.
    public func sharedString(_ text: String) -> XLSXSharedString {
        precondition(!closed, "XLSXWriter.sharedString after close")
        if let i = vocabulary.firstIndex(of: text) { return XLSXSharedString(index: i) }
        vocabulary.append(text)
        return XLSXSharedString(index: vocabulary.count - 1)
    }

    /// A text cell holding a registered shared string: the same text cell as
    /// ``appendText(_:column:style:)`` of its text (an empty one writes nothing).
    public func appendShared(_ string: XLSXSharedString, column: Int, style: XLSXStyle = .plain) {
        guard !vocabulary[string.index].isEmpty else { return }
        if column == nextColumn, style == .plain {
            nextColumn = column + 1
            columns = max(columns, nextColumn)
            var o = buffer.tail(reserving: 12 + 20 + 8)
            o = ByteBuffer.copy(#"<c t="s"><v>"#, to: o)
            o = ByteBuffer.writeDecimal(string.index, to: o)
            o = ByteBuffer.copy("</v></c>", to: o)
            buffer.commit(o)
            return
        } else {
            startCell(column, style: style, type: "s")
            put("<v>")
        }
        buffer.appendDecimal(string.index)
        put("</v></c>")
    }

    /// A number cell holding a whole number.
    public func appendNumber(_ value: Int, column: Int, style: XLSXStyle = .plain) {
        if column == nextColumn, style == .plain {
            nextColumn = column + 1
            columns = max(columns, nextColumn)
            var o = buffer.tail(reserving: 6 + 20 + 8)
            o = ByteBuffer.copy("<c><v>", to: o)
            o = ByteBuffer.writeDecimal(value, to: o)
            o = ByteBuffer.copy("</v></c>", to: o)
            buffer.commit(o)
            return
        } else {
            startCell(column, style: style, type: nil)
            put("<v>")
        }
        buffer.appendDecimal(value)
        put("</v></c>")
    }

    /// `<row r="N">`, with a height when wrapped text takes several lines.
    private func startRow(height lines: Int?) throws {
        guard row < rowLimit else {
            throw XLSXError("sheet '\(sheets[sheets.count - 1].name)'", "more than \(rowLimit) rows, the most a sheet holds")
        }
        row += 1
        nextColumn = 0
        guard let lines, lines > 1 else {
            var o = buffer.tail(reserving: 8 + 20 + 2)
            o = ByteBuffer.copy("<row r=\"", to: o)
            o = ByteBuffer.writeDecimal(row, to: o)
            o = ByteBuffer.copy("\">", to: o)
            return buffer.commit(o)
        }
        put("<row r=\"")
        buffer.appendDecimal(row)
        // Spreadsheets do not grow a row for wrapped text on opening (LibreOffice did not):
        // the height is given, 15 points a line.
        buffer.append("\" ht=\"\(min(409, 15 * lines))\" customHeight=\"1")
        put("\">")
    }

    /// The lines the row's wrapped cells take in their columns' widths, or nil when it has none.
    private func wrappedLines(_ cells: [XLSXCell]) -> Int? {
        var most: Int?
        for (column, cell) in cells.enumerated() {
            guard case let .text(text, .wrapped) = cell else { continue }
            let width = max(1, Int(column < options.columnWidths.count ? options.columnWidths[column] : 8.43) - 1)
            most = max(most ?? 0, Self.lines(text, width: width))
        }
        return most
    }

    /// The lines `text` takes in a column `width` characters wide: each line (split at "\n")
    /// takes its UTF-16 length over `width`, rounded up, at least 1. Counted on the UTF-8 bytes,
    /// as splitting the `String` by `Character` counts: a "\r\n" is one character, not a line
    /// break, and a line's UTF-16 length is its bytes that start a scalar, plus one more for each
    /// scalar of four bytes (a surrogate pair).
    static func lines(_ text: String, width: Int) -> Int {
        var lines = 0, units = 0
        var afterCR = false
        for b in text.utf8 {
            if b == 0x0A, !afterCR {
                lines += max(1, (units + width - 1) / width)
                units = 0
                continue
            }
            if b & 0xC0 != 0x80 { units += b >= 0xF0 ? 2 : 1 }
            afterCR = b == 0x0D
        }
        return lines + max(1, (units + width - 1) / width)
    }

    /// ``appendRow(_:)``, but a full sheet is continued in a new one, `NAME (2)`, `NAME (3)`, …,
    /// placed right after it, with the same layout and `header` as its first row.
    public func appendRow(_ cells: [XLSXCell], continuingWith header: [XLSXCell]) throws {
        if row == rowLimit { try continueSheet(header) }
        try appendRow(cells)
    }

    /// Ends the full sheet and begins its continuation, `header` as its first row.
    private func continueSheet(_ header: [XLSXCell]) throws {
        let current = sheets[sheets.count - 1]
        var base = current.name
        if base.hasSuffix(")"), let open = base.lastIndex(of: "("), open > base.startIndex,
           base[base.index(before: open)] == " " {
            let digits = base[base.index(after: open)..<base.index(before: base.endIndex)]
            if !digits.isEmpty, digits.allSatisfy(\.isNumber) { base = String(base[..<base.index(before: open)]) }
        }
        let number = sheets.filter { $0.name == base || $0.name.hasPrefix(base + " (") }.count + 1
        let options = self.options
        try endSheet()
        try beginSheet("\(base) (\(number))", options: options, position: current.position + 1)
        try appendRow(header)
    }

    /// Appends a literal: a copy of its bytes (appending a literal's `.utf8` went byte by byte).
    @inline(__always)
    private func put(_ text: StaticString) {
        buffer.append(text)
    }

    private func flush() throws {
        try zip.write(buffer)
    }

    /// `<c`, its reference only when a cell was left out before it, its style and type.
    ///
    /// A cell without `r` is the one after the previous cell (ECMA-376 Part 1, 18.3.1.4, `r` is
    /// optional; openpyxl, LibreOffice and ``XLSXSheetReader`` place it so): references on
    /// every cell were a sixth of the sheet's XML, and of the time spent compressing it.
    @inline(__always)
    private func startCell(_ column: Int, style: XLSXStyle, type: StaticString?) {
        if column == nextColumn {
            put("<c")
        } else {
            put("<c r=\"")
            if column < 26 { buffer.append(UInt8(0x41 + column)) } else { buffer.append(Self.columnName(column)) }
            buffer.appendDecimal(row)
            buffer.append(0x22)
        }
        nextColumn = column + 1
        columns = max(columns, nextColumn)
        if style != .plain {
            put(" s=\"")
            buffer.appendDecimal(style.rawValue)
            buffer.append(0x22)
        }
        if let type {
            put(" t=\"")
            put(type)
            buffer.append(0x22)
        }
        buffer.append(0x3E)
    }

    /// Whether text starting with `first` and ending with `last` needs `xml:space="preserve"`
    /// (white space at either end, which a reader would otherwise drop).
    @inline(__always)
    static func needsPreserve(first: UInt8, last: UInt8) -> Bool {
        func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        return space(first) || space(last)
    }

    private func appendInline(_ text: String) {
        // `xml:space="preserve"` only where spaces at either end would otherwise be dropped: it
        // is a fifth of a row's XML, and of the time spent compressing it.
        if let first = text.utf8.first, let last = text.utf8.last, Self.needsPreserve(first: first, last: last) {
            put(#"<is><t xml:space="preserve">"#)
        } else {
            put("<is><t>")
        }
        if text.utf8.count > Self.maxCellText, text.utf16.count > Self.maxCellText { // UTF-16 units ≤ UTF-8 bytes
            let cut = text.utf16.index(text.utf16.startIndex, offsetBy: Self.maxCellText)
            let prefix = String(text[..<(cut.samePosition(in: text.unicodeScalars) == nil ? text.index(before: cut) : cut)])
            appendEscaped(prefix)
        } else {
            appendEscaped(text)
        }
        put("</t></is>")
    }

    /// Appends valid UTF-8 escaped for XML (``XMLText``), through `scratch`.
    private func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        scratch.removeAll(keepingCapacity: true)
        XMLText.append(utf8: utf8, to: &scratch)
        buffer.append(scratch)
    }

    private func appendEscaped(_ text: String) {
        var text = text
        text.withUTF8 { appendEscaped($0) }
    }

    /// Keeps `ref` and `url` (a 4-byte length before each string) until the sheet ends.
    private func recordLink(column: Int, url: String) throws {
        if links == nil { links = try TemporaryFile() }
        var record: [UInt8] = []
        Self.appendReference(column: column, row: row, to: &record)
        var entry: [UInt8] = []
        entry.le32(UInt32(record.count))
        entry += record
        entry.le32(UInt32(url.utf8.count))
        entry += url.utf8
        try links!.write(entry)
        linkCount += 1
    }

    /// Ends the sheet: filters, hyperlinks, print setup, then the sheet's relationships.
    public func endSheet() throws {
        precondition(inSheet, "XLSXWriter.endSheet outside a sheet")
        inSheet = false
        buffer.append("</sheetData>")
        let index = sheets.count - 1
        sheets[index].lastRow = row
        sheets[index].columns = columns
        if options.autoFilter, row > 0, columns > 0 {
            buffer.append("<autoFilter ref=\"")
            buffer.append(Self.range(columns: columns, rows: row))
            buffer.append("\"/>")
        } else {
            sheets[index].autoFilter = false
        }
        if let links, linkCount > 0 {
            sheets[index].hasLinks = true
            buffer.append("<hyperlinks>")
            try forEachLink(links) { number, ref, _ in
                buffer.append("<hyperlink ref=\"")
                buffer.append(ref)
                buffer.append("\" r:id=\"rId\(number)\"/>")
                if buffer.count >= 1 << 16 { try flush() }
            }
            buffer.append("</hyperlinks>")
        }
        buffer.append(#"<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>"#)
        if options.fitToWidth {
            buffer.append(#"<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>"#)
        }
        buffer.append("</worksheet>")
        try flush()
        try zip.endEntry()
        if let links, linkCount > 0 {
            try zip.beginEntry("xl/worksheets/_rels/sheet\(sheets.count).xml.rels")
            buffer.append(Self.xmlDeclaration)
            buffer.append(#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#)
            try links.rewind()
            try forEachLink(links) { number, _, url in
                buffer.append("<Relationship Id=\"rId\(number)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink\" Target=\"")
                url.withUnsafeBufferPointer { appendEscaped($0) }
                buffer.append("\" TargetMode=\"External\"/>")
                if buffer.count >= 1 << 16 { try flush() }
            }
            buffer.append("</Relationships>")
            try flush()
            try zip.endEntry()
        }
        links = nil
    }

    /// Reads the recorded links back from the start: (1-based number, cell reference, URL bytes).
    private func forEachLink(_ file: TemporaryFile, _ body: (Int, [UInt8], [UInt8]) throws -> Void) throws {
        if file.byteCount > 0 { try file.rewind() }
        var length: [UInt8] = [], ref: [UInt8] = [], url: [UInt8] = []
        var number = 0
        func count() -> Int { Int(UInt32(length[0]) | UInt32(length[1]) << 8 | UInt32(length[2]) << 16 | UInt32(length[3]) << 24) }
        while try file.read(4, into: &length) {
            guard try file.read(count(), into: &ref), try file.read(4, into: &length), try file.read(count(), into: &url) else {
                throw XLSXError("temporary file", "ended in the middle of a hyperlink")
            }
            number += 1
            try body(number, ref, url)
        }
    }

    /// Writes the workbook, its relationships, styles and content types, then the ZIP directory.
    public func close() throws {
        guard !closed else { return }
        if inSheet { try endSheet() }
        closed = true
        var workbook = String(decoding: Self.xmlDeclaration, as: UTF8.self)
        workbook += #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView activeTab="0"/></bookViews><sheets>"#
        // Part i (sheet{i+1}.xml, relationship rId{i+1}) in the order of the tabs.
        let tabs = sheets.indices.sorted { (sheets[$0].position, $0) < (sheets[$1].position, $1) }
        for i in tabs {
            workbook += "<sheet name=\"\(XMLText.escaped(sheets[i].name))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        }
        workbook += "</sheets>"
        let filtered = tabs.enumerated().filter { sheets[$0.element].autoFilter }.map { ($0.offset, sheets[$0.element]) }
        if !filtered.isEmpty {
            workbook += "<definedNames>"
            for (i, s) in filtered {
                let quoted = "'" + s.name.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
                let ref = Self.range(columns: s.columns, rows: s.lastRow, absolute: true)
                workbook += "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"\(i)\" hidden=\"1\">\(XMLText.escaped(quoted + "!" + ref))</definedName>"
            }
            workbook += "</definedNames>"
        }
        workbook += "</workbook>"
        try zip.addEntry("xl/workbook.xml", Array(workbook.utf8))

        var rels = String(decoding: Self.xmlDeclaration, as: UTF8.self)
        rels += #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for i in sheets.indices {
            rels += "<Relationship Id=\"rId\(i + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
        }
        rels += "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        if !vocabulary.isEmpty {
            rels += "<Relationship Id=\"rId\(sheets.count + 2)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
            var sst = String(decoding: Self.xmlDeclaration, as: UTF8.self)
            sst += "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" uniqueCount=\"\(vocabulary.count)\">"
            for text in vocabulary {
                let first = text.utf8.first ?? 0, last = text.utf8.last ?? 0
                sst += Self.needsPreserve(first: first, last: last) ? "<si><t xml:space=\"preserve\">" : "<si><t>"
                sst += XMLText.escaped(text) + "</t></si>"
            }
            sst += "</sst>"
            try zip.addEntry("xl/sharedStrings.xml", Array(sst.utf8))
        }
        rels += "</Relationships>"
        try zip.addEntry("xl/_rels/workbook.xml.rels", Array(rels.utf8))
        try zip.addEntry("xl/styles.xml", Array((String(decoding: Self.xmlDeclaration, as: UTF8.self) + Self.styles).utf8))
        try zip.addEntry("_rels/.rels", Array((String(decoding: Self.xmlDeclaration, as: UTF8.self) + Self.packageRelationships).utf8))
        var types = String(decoding: Self.xmlDeclaration, as: UTF8.self)
        types += #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        if !vocabulary.isEmpty {
            types += "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
        }
        for i in sheets.indices {
            types += "<Override PartName=\"/xl/worksheets/sheet\(i + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        types += "</Types>"
        try zip.addEntry("[Content_Types].xml", Array(types.utf8))
        try zip.close()
        try closeOutput?()
    }

    static let xmlDeclaration = Array("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n".utf8)

    static let packageRelationships = #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#

    /// Fonts: 0 normal, 1 bold, 2 link (blue, underlined). Cell formats in ``XLSXStyle`` order.
    static let styles = #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf><xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#

    // MARK: References

    /// The column letters of 0-based `column`: A, …, Z, AA, ….
    public static func columnName(_ column: Int) -> String {
        var n = column + 1
        var letters: [UInt8] = []
        while n > 0 {
            n -= 1
            letters.append(UInt8(0x41 + n % 26))
            n /= 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    static func appendReference(column: Int, row: Int, to out: inout [UInt8]) {
        if column < 26 {
            out.append(UInt8(0x41 + column))
        } else {
            out.append(contentsOf: columnName(column).utf8)
        }
        appendDecimal(row, to: &out)
    }

    static func range(columns: Int, rows: Int, absolute: Bool = false) -> String {
        let d = absolute ? "$" : ""
        return "\(d)A\(d)1:\(d)\(columnName(max(columns, 1) - 1))\(d)\(max(rows, 1))"
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 0 {
            out.append(0x2D)
            out.append(contentsOf: String(value.magnitude).utf8)
            return
        }
        if value < 10 {
            out.append(UInt8(0x30 + value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value, count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while n > 0 {
                d[19 - count] = UInt8(0x30 + n % 10)
                n /= 10
                count += 1
            }
            out.append(contentsOf: d[(20 - count)...])
        }
    }
}
