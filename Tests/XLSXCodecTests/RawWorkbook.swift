import Foundation
import XLSXCodec

/// Builds workbooks part by part (for hostile and hand-made cases the writer would never make).
enum RawWorkbook {
    static func parts(sheet: String, sharedStrings: String? = nil, styles: String? = nil) -> [(String, String)] {
        var rels = #"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#
        if sharedStrings != nil {
            rels += #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
        }
        if styles != nil {
            rels += #"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="/xl/styles.xml"/>"#
        }
        rels += "</Relationships>"
        var parts: [(String, String)] = [
            ("[Content_Types].xml", #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#),
            ("_rels/.rels", #"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", #"<?xml version="1.0"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheets><x:sheet name="Sheet1" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>"#),
            ("xl/_rels/workbook.xml.rels", rels),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        if let sharedStrings { parts.append(("xl/sharedStrings.xml", sharedStrings)) }
        if let styles { parts.append(("xl/styles.xml", styles)) }
        return parts
    }

    static func zip(_ parts: [(String, [UInt8])]) throws -> [UInt8] {
        var out: [UInt8] = []
        let writer = ZipWriter { out += $0 }
        for (name, bytes) in parts { try writer.addEntry(name, bytes) }
        try writer.close()
        return out
    }

    static func bytes(sheet: String, sharedStrings: String? = nil, styles: String? = nil) throws -> [UInt8] {
        try zip(parts(sheet: sheet, sharedStrings: sharedStrings, styles: styles).map { ($0.0, Array($0.1.utf8)) })
    }

    static func sheetXML(_ rows: String) -> String {
        #"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"# + rows + "</sheetData></worksheet>"
    }

    static func write(_ bytes: [UInt8], in dir: URL, _ name: String = "book.xlsx") throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every row of the first sheet.
    static func rows(_ path: String, sheet: String? = nil, maxPartSize: Int = 1 << 30) throws -> [XLSXRow] {
        let reader = try XLSXReader(path: path, maxPartSize: maxPartSize).sheet(named: sheet)
        var rows: [XLSXRow] = []
        while let row = try reader.nextRow() { rows.append(row) }
        return rows
    }
}
