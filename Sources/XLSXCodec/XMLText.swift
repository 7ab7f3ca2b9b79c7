/// Escaping text into XML 1.0 character data and attribute values.
public enum XMLText {
    /// Appends `text` escaped for element content or a double-quoted attribute: `&` `<` `>` `"` as
    /// entities, CR as `&#13;` (a parser would turn a raw CR into LF), and the characters XML 1.0
    /// forbids (C0 controls other than tab, LF, CR; U+FFFE, U+FFFF) dropped, since no parser
    /// would read a workbook holding them.
    public static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { append(utf8: UnsafeBufferPointer(start: $0.baseAddress, count: $0.count), to: &out) }
    }

    /// ``append(_:to:)`` for UTF-8 bytes (valid UTF-8, as a Swift `String` holds).
    public static func append(utf8 s: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var i = 0
        let n = s.count
        var start = 0
        while i < n {
            let b = s[i]
            let replacement: StaticString?
            var skip = 1
            switch b {
            case 0x26: replacement = "&amp;"
            case 0x3C: replacement = "&lt;"
            case 0x3E: replacement = "&gt;"
            case 0x22: replacement = "&quot;"
            case 0x0D: replacement = "&#13;"
            case 0x09, 0x0A: i += 1; continue
            case 0..<0x20: replacement = ""
            case 0xEF where i + 2 < n && s[i + 1] == 0xBF && (s[i + 2] == 0xBE || s[i + 2] == 0xBF):
                replacement = ""
                skip = 3
            default: i += 1; continue
            }
            if i > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[start..<i])) }
            if let r = replacement, r.utf8CodeUnitCount > 0 {
                out.append(contentsOf: UnsafeBufferPointer(start: r.utf8Start, count: r.utf8CodeUnitCount))
            }
            i += skip
            start = i
        }
        if n > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[start..<n])) }
    }

    /// `text` escaped, as a String (for small parts such as the workbook).
    public static func escaped(_ text: String) -> String {
        var out: [UInt8] = []
        append(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
