/// Reads an `.xlsx` workbook: its sheet names, then one sheet's rows as text, streamed.
///
/// The workbook, its relationships, styles and shared strings are read up front (the shared
/// strings are held in memory, as every reader must); a sheet is then inflated and parsed as its
/// rows are asked for (``XLSXSheetReader``). Every failure is an ``XLSXError`` naming the part,
/// or the cell (`Sheet1!C17`) when a cell is at fault.
public final class XLSXReader {
    public struct Sheet: Sendable, Equatable {
        public var name: String
        public var part: String
        public var hidden: Bool
    }

    public let path: String
    public let sheets: [Sheet]
    let zip: ZipReader
    let date1904: Bool
    /// Cell format index → whether it shows a date.
    let dateStyles: [Bool]
    private let sharedStringsPart: String?
    private var sharedStrings: [String]?
    /// The most a part may inflate to; the shared strings, held in memory, at most a quarter of it.
    public let maxPartSize: Int

    public init(path: String, maxPartSize: Int = 1 << 30) throws {
        self.path = path
        self.maxPartSize = maxPartSize
        do {
            zip = try ZipReader(path: path, limit: maxPartSize)
        } catch let error as ZipError {
            throw XLSXError(error.entry, error.reason)
        }
        let rootRels = try Self.relationships(zip, "_rels/.rels", base: "")
        let workbookPart = rootRels.first { $0.type.hasSuffix("/officeDocument") }?.target ?? "xl/workbook.xml"
        guard zip.entry(named: workbookPart) != nil else {
            throw XLSXError("", "not an Excel workbook: it has no \(workbookPart)")
        }
        let base = workbookPart.contains("/") ? String(workbookPart[..<workbookPart.lastIndex(of: "/")!]) + "/" : ""
        let relsPart = base + "_rels/" + workbookPart.split(separator: "/").last! + ".rels"
        let rels = try Self.relationships(zip, relsPart, base: base)
        var sheets: [Sheet] = []
        var date1904 = false
        try Self.parse(zip, workbookPart) { event in
            guard case let .start(name, attributes) = event else { return }
            if name == "workbookPr", let v = attributes.value("date1904") { date1904 = v == "1" || v == "true" }
            if name == "sheet" {
                let sheetName = attributes.value("name") ?? ""
                guard let id = attributes.value("id"), let rel = rels.first(where: { $0.id == id }) else {
                    throw XLSXError(workbookPart, "sheet '\(sheetName)' names no part")
                }
                let state = attributes.value("state") ?? "visible"
                sheets.append(Sheet(name: sheetName, part: rel.target, hidden: state != "visible"))
            }
        }
        guard !sheets.isEmpty else { throw XLSXError(workbookPart, "the workbook has no sheet") }
        self.sheets = sheets
        self.date1904 = date1904
        sharedStringsPart = rels.first { $0.type.hasSuffix("/sharedStrings") }?.target
        var styles: [Bool] = []
        if let stylesPart = rels.first(where: { $0.type.hasSuffix("/styles") })?.target, zip.entry(named: stylesPart) != nil {
            var formats: [Int: String] = [:]
            var inCellXfs = false
            var xfIds: [Int] = []
            try Self.parse(zip, stylesPart) { event in
                switch event {
                case let .start("numFmt", attributes):
                    if let id = attributes.value("numFmtId").flatMap(Int.init) { formats[id] = attributes.value("formatCode") }
                case .start("cellXfs", _): inCellXfs = true
                case .end("cellXfs"): inCellXfs = false
                case let .start("xf", attributes) where inCellXfs:
                    xfIds.append(attributes.value("numFmtId").flatMap(Int.init) ?? 0)
                default: break
                }
            }
            styles = xfIds.map { XLSXNumberText.isDateFormat(id: $0, code: formats[$0]) }
        }
        dateStyles = styles
    }

    struct Relationship {
        var id: String
        var type: String
        var target: String
    }

    /// The relationships in `part` (none when it is missing), targets resolved against `base`.
    static func relationships(_ zip: ZipReader, _ part: String, base: String) throws -> [Relationship] {
        guard zip.entry(named: part) != nil else { return [] }
        var out: [Relationship] = []
        try parse(zip, part) { event in
            guard case let .start("Relationship", attributes) = event else { return }
            guard attributes.value("TargetMode") != "External", let target = attributes.value("Target") else { return }
            out.append(Relationship(id: attributes.value("Id") ?? "", type: attributes.value("Type") ?? "",
                                    target: resolve(target, base: base)))
        }
        return out
    }

    /// `target` relative to the folder `base` (`xl/`), or from the root when it starts with `/`.
    static func resolve(_ target: String, base: String) -> String {
        var parts: [Substring] = target.hasPrefix("/") ? [] : base.split(separator: "/")
        for p in target.split(separator: "/") {
            if p == ".." { _ = parts.popLast() } else if p != "." { parts.append(p) }
        }
        return parts.joined(separator: "/")
    }

    /// Parses the whole of a small part, handing each event to `body`.
    static func parse(_ zip: ZipReader, _ part: String, _ body: (XMLEvent) throws -> Void) throws {
        guard let entry = zip.entry(named: part) else { throw XLSXError(part, "the part is missing") }
        let reader: ZipEntryReader
        do { reader = try zip.openEntry(entry) } catch let error as ZipError { throw XLSXError(error.entry, error.reason) }
        var parser = XMLPullParser(part: part) { chunk in
            do { return try reader.read(into: &chunk) } catch let error as ZipError { throw XLSXError(error.entry, error.reason) }
        }
        while let event = try parser.next() { try body(event) }
    }

    /// The shared strings, read on first use.
    func strings() throws -> [String] {
        if let sharedStrings { return sharedStrings }
        var all: [String] = []
        if let part = sharedStringsPart, let entry = zip.entry(named: part) {
            guard entry.size <= maxPartSize / 4 else {
                throw XLSXError(part, "the shared strings would inflate to \(entry.size) bytes, more than the limit of \(maxPartSize / 4)")
            }
            var current = "", inText = false, phonetic = 0
            try Self.parse(zip, part) { event in
                switch event {
                case .start("si", _): current = ""
                case .end("si"): all.append(current)
                case .start("rPh", _): phonetic += 1
                case .end("rPh"): phonetic -= 1
                case .start("t", _): inText = phonetic == 0
                case .end("t"): inText = false
                case let .text(t) where inText: current += t
                default: break
                }
            }
        }
        sharedStrings = all
        return all
    }

    /// The sheet named `name` (any case), or the first visible sheet when `name` is nil.
    public func sheet(named name: String?) throws -> XLSXSheetReader {
        let sheet: Sheet
        if let name {
            guard let found = sheets.first(where: { $0.name == name }) ?? sheets.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw XLSXError("", "no sheet named '\(name)' (the sheets are \(sheets.map { "'\($0.name)'" }.joined(separator: ", ")))")
            }
            sheet = found
        } else {
            sheet = sheets.first { !$0.hidden } ?? sheets[0]
        }
        guard let entry = zip.entry(named: sheet.part) else { throw XLSXError(sheet.part, "the part of sheet '\(sheet.name)' is missing") }
        let reader: ZipEntryReader
        do { reader = try zip.openEntry(entry) } catch let error as ZipError { throw XLSXError(error.entry, error.reason) }
        return XLSXSheetReader(name: sheet.name, part: sheet.part, reader: reader, workbook: self, strings: try strings())
    }

    /// `Sheet1!C17`, the sheet name quoted as Excel does when it needs it (`'My sheet'!C17`).
    public static func reference(sheet: String, column: Int, row: Int) -> String {
        let plain = sheet.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
        let name = plain ? sheet : "'" + sheet.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        return "\(name)!\(XLSXWriter.columnName(column))\(row)"
    }
}
