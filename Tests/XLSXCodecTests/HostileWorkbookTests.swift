import Foundation
import Testing
import TestSupport
import XLSXCodec

/// Workbooks made to hurt: each is a clear ``XLSXError`` naming the part, never a crash, a hang
/// or unbounded memory.
@Suite struct HostileWorkbookTests {
    static let sheetPart = "xl/worksheets/sheet1.xml"

    func expectError(_ bytes: [UInt8], maxPartSize: Int = 1 << 30, sourceLocation: SourceLocation = #_sourceLocation,
                     _ check: (XLSXError) -> Bool) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try RawWorkbook.write(bytes, in: dir)
        do {
            let rows = try RawWorkbook.rows(path, maxPartSize: maxPartSize)
            Issue.record("read \(rows.count) rows instead of failing", sourceLocation: sourceLocation)
        } catch let error as XLSXError {
            #expect(check(error), "\(error)", sourceLocation: sourceLocation)
        }
    }

    /// A sheet of `rows` inline-string rows, about 60 bytes each.
    static func bigSheet(_ rows: Int) -> String {
        var xml = ""
        for i in 1...rows { xml += "<row r=\"\(i)\"><c r=\"A\(i)\" t=\"inlineStr\"><is><t>x</t></is></c></row>" }
        return RawWorkbook.sheetXML(xml)
    }

    /// The offset of the central directory record of `name` in `zip`.
    static func directoryRecord(_ zip: [UInt8], _ name: String) -> Int {
        let n = Array(name.utf8)
        var i = zip.count - 22
        while i >= 0 {
            if zip[i] == 0x50, zip[i + 1] == 0x4B, zip[i + 2] == 1, zip[i + 3] == 2,
               Array(zip[(i + 46)..<min(zip.count, i + 46 + n.count)]) == n { return i }
            i -= 1
        }
        return -1
    }

    static func patch32(_ zip: inout [UInt8], at offset: Int, _ value: UInt32) {
        for k in 0..<4 { zip[offset + k] = UInt8(value >> (8 * UInt32(k)) & 0xFF) }
    }

    @Test func anEntryThatInflatesBeyondWhatItDeclaresStopsThere() throws {
        var zip = try RawWorkbook.bytes(sheet: Self.bigSheet(20_000))
        let record = Self.directoryRecord(zip, Self.sheetPart)
        try #require(record > 0)
        Self.patch32(&zip, at: record + 24, 1_000) // declared size: 1,000 bytes; it inflates to about a megabyte
        try expectError(zip) { $0.location == Self.sheetPart && $0.reason.contains("more than 1000 bytes") }
    }

    @Test func anEntryDeclaredBeyondTheLimitIsRefusedBeforeInflating() throws {
        var zip = try RawWorkbook.bytes(sheet: Self.bigSheet(10))
        let record = Self.directoryRecord(zip, Self.sheetPart)
        Self.patch32(&zip, at: record + 24, 0xF000_0000) // "3.75 GiB"
        try expectError(zip) { $0.location == Self.sheetPart && $0.reason.contains("would inflate to 4026531840 bytes, more than the limit") }
        // The same with a true declaration and a lower limit.
        try expectError(try RawWorkbook.bytes(sheet: Self.bigSheet(20_000)), maxPartSize: 100_000) {
            $0.location == Self.sheetPart && $0.reason.contains("more than the limit of 100000")
        }
    }

    @Test func aRealBombIsRefused() throws {
        // 64 MiB of the same row deflates to a few hundred KiB; the reader must stop at its limit.
        let row = Array("<row><c t=\"inlineStr\"><is><t>lol</t></is></c></row>".utf8)
        var zip: [UInt8] = []
        let writer = ZipWriter { zip += $0 }
        for (name, text) in RawWorkbook.parts(sheet: "") where name != Self.sheetPart { try writer.addEntry(name, Array(text.utf8)) }
        try writer.beginEntry(Self.sheetPart)
        try writer.write(Array(RawWorkbook.sheetXML("").utf8.dropLast("</sheetData></worksheet>".utf8.count)))
        var block: [UInt8] = []
        while block.count < 1 << 20 { block += row }
        for _ in 0..<64 { try writer.write(block) }
        try writer.write(Array("</sheetData></worksheet>".utf8))
        try writer.endEntry()
        try writer.close()
        #expect(zip.count < 64 << 20 / 20, "a compressed \(zip.count) bytes")
        try expectError(zip, maxPartSize: 8 << 20) { $0.location == Self.sheetPart && $0.reason.contains("more than the limit") }
    }

    @Test func brokenCentralDirectories() throws {
        let good = try RawWorkbook.bytes(sheet: Self.bigSheet(3))
        try expectError(Array(good.dropLast(10))) { $0.reason.contains("no end of central directory") }
        try expectError(Array("not a zip at all, just text that is long enough".utf8)) { $0.reason.contains("not a ZIP archive") }
        var badSignature = good
        let record = Self.directoryRecord(good, "[Content_Types].xml")
        badSignature[record] = 0
        try expectError(badSignature) { $0.reason.contains("broken central directory") }
        var badOffset = good
        Self.patch32(&badOffset, at: good.count - 6, UInt32(good.count)) // the directory "starts" past the end
        try expectError(badOffset) { $0.reason.contains("broken central directory") }
        var badLocal = good
        Self.patch32(&badLocal, at: Self.directoryRecord(good, Self.sheetPart) + 42, 1) // local header offset 1
        try expectError(badLocal) { $0.location == Self.sheetPart }
        var badCRC = good
        Self.patch32(&badCRC, at: Self.directoryRecord(good, Self.sheetPart) + 16, 0xDEAD_BEEF)
        try expectError(badCRC) { $0.location == Self.sheetPart && $0.reason.contains("CRC-32") }
    }

    @Test func aSheetThatNeverClosesNamesThePart() throws {
        let cut = #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>"#
        try expectError(try RawWorkbook.bytes(sheet: cut)) { $0.location == Self.sheetPart && $0.reason.contains("cut short") }
        try expectError(try RawWorkbook.bytes(sheet: cut + "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>never")) {
            $0.location == Self.sheetPart && $0.reason.contains("cut short")
        }
        try expectError(try RawWorkbook.bytes(sheet: cut + "<row r=\"2\"><c r=\"A2\" t=\"inl")) {
            $0.location == Self.sheetPart && $0.reason.contains("never ends")
        }
    }

    @Test func entityDeclarationsAreRefused() throws {
        let laughs = """
            <?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
            <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
            <worksheet><sheetData><row><c t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>
            """
        try expectError(try RawWorkbook.bytes(sheet: laughs)) { $0.location == Self.sheetPart && $0.reason.contains("entity declaration") }
        try expectError(try RawWorkbook.bytes(sheet: RawWorkbook.sheetXML(#"<row><c t="inlineStr"><is><t>&lol;</t></is></c></row>"#))) {
            $0.location == Self.sheetPart && $0.reason.contains("&lol; is not defined")
        }
    }

    @Test func badCellsNameTheCell() throws {
        let strings = #"<sst><si><t>a</t></si></sst>"#
        try expectError(try RawWorkbook.bytes(sheet: RawWorkbook.sheetXML(#"<row r="17"><c r="C17" t="s"><v>7</v></c></row>"#), sharedStrings: strings)) {
            $0.location == "Sheet1!C17" && $0.reason.contains("shared string 7 does not exist")
        }
        try expectError(try RawWorkbook.bytes(sheet: RawWorkbook.sheetXML(#"<row r="2"><c r="B2"><v>12abc</v></c></row>"#))) {
            $0.description == "Sheet1!B2: '12abc' is not a number"
        }
        try expectError(try RawWorkbook.bytes(sheet: RawWorkbook.sheetXML(#"<row r="2"><c r="ZZZZ2"><v>1</v></c></row>"#))) {
            $0.reason.contains("out of place")
        }
    }

    /// Random damage to a valid workbook: every outcome is rows or an XLSXError.
    @Test func damagedWorkbooksFailCleanly() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rows = ""
        for i in 1...200 { rows += "<row r=\"\(i)\"><c r=\"A\(i)\" t=\"s\"><v>\(i % 3)</v></c><c r=\"B\(i)\"><v>\(i).5</v></c></row>" }
        let good = try RawWorkbook.bytes(sheet: RawWorkbook.sheetXML(rows), sharedStrings: "<sst><si><t>a</t></si><si><t>b</t></si><si><t>c</t></si></sst>")
        var random = SeededRandom(seed: 1515)
        var failures = 0
        for round in 0..<400 {
            var bytes = good
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes[at] ^= 1 << UInt8.random(in: 0...7, using: &random)
                default: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...64, using: &random)))
                }
            }
            let path = try RawWorkbook.write(bytes, in: dir, "fuzz\(round % 4).xlsx")
            do {
                _ = try RawWorkbook.rows(path)
            } catch is XLSXError {
                failures += 1
            }
        }
        #expect(failures > 100, "most damage is detected (CRC-32 at least): \(failures) of 400")
    }
}
