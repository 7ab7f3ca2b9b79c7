import Foundation

/// Byte-level helpers that turn a cell into the text a field holds.
enum CellText {
    /// The cell without surrounding spaces and tabs, or `nil` when nothing is left (blank = not given).
    @inline(__always)
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        guard end > start else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// The cell without surrounding white space, or `nil` when blank.
    static func trimmed(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    /// A CSV cell without the spreadsheet guard that this tool's own CSV writers put in front
    /// of a value starting with `=`, `+`, `-`, `@`, tab or carriage return (an `export` turns
    /// the phone `+1 555 0100` into `'+1 555 0100`). Without this, importing an unchanged export
    /// would store the apostrophe. A spreadsheet drops the guard itself when it saves, so an
    /// edited export reads the same. The price: a value that really begins with `'=` loses
    /// its apostrophe.
    static func unguarded(_ text: String) -> String {
        var bytes = text.utf8.makeIterator()
        guard bytes.next() == 0x27, let second = bytes.next() else { return text }
        switch second {
        case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D: return String(text.dropFirst())
        default: return text
        }
    }

    /// Splits a `serviceIds` cell on `;` or `,`, dropping blanks.
    static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == ";" || $0 == "," }).compactMap { trimmed(String($0)) }
    }
}

