
/// Helpers for domain names as this client handles them: dot-separated text without a trailing
/// dot, compared case-insensitively.
///
/// On the wire a label is arbitrary bytes; when decoding, bytes that would make the text
/// ambiguous (a dot inside a label, a backslash, spaces, control or non-ASCII bytes) are written
/// as `\DDD` escapes the way `dig` shows them, so a hostile name can never pass for a different,
/// well-formed one.
public enum DNSName {
    /// Longest name on the wire, including length bytes and the final zero (RFC 1035 §2.3.4).
    public static let maxWireLength = 255
    /// Longest label (RFC 1035 §2.3.4).
    public static let maxLabelLength = 63

    /// The form used for comparisons and cache keys: trimmed, ASCII-lowercased, no trailing dot.
    public static func normalized(_ name: String) -> String {
        var s = Substring(name)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        if s.hasSuffix(".") { s = s.dropLast() }
        return String(String.UnicodeScalarView(s.unicodeScalars.map { scalar in
            ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
        }))
    }

    /// Appends the uncompressed wire form of `name` (which may end with a dot) to `bytes`.
    ///
    /// Only ASCII letters, digits, `-` and `_` are accepted in labels: e-mail domains that are
    /// internationalized must be given in their punycode (`xn--…`) form.
    public static func encode(_ name: String, into bytes: inout [UInt8]) throws(DNSError) {
        var text = Substring(name)
        if text.hasSuffix(".") { text = text.dropLast() }
        if text.isEmpty { bytes.append(0); return }
        var written = 0
        for label in text.split(separator: ".", omittingEmptySubsequences: false) {
            let utf8 = Array(label.utf8)
            if utf8.isEmpty { throw .invalidName(name, reason: "empty label") }
            if utf8.count > maxLabelLength {
                throw .invalidName(name, reason: "label longer than \(maxLabelLength) bytes")
            }
            for b in utf8 where !isHostnameByte(b) {
                if b >= 0x80 {
                    throw .invalidName(name, reason: "non-ASCII names must be given in punycode (xn--…)")
                }
                throw .invalidName(name, reason: "character \(escapeByte(b)) is not allowed in a host name")
            }
            written += 1 + utf8.count
            if written + 1 > maxWireLength {
                throw .invalidName(name, reason: "longer than \(maxWireLength) bytes on the wire")
            }
            bytes.append(UInt8(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        bytes.append(0)
    }

    /// The text of one label read from the wire, with ambiguous bytes escaped.
    static func labelText(_ bytes: ArraySlice<UInt8>) -> String {
        var out = ""
        out.reserveCapacity(bytes.count)
        for b in bytes {
            if isHostnameByte(b) || (b > 0x20 && b < 0x7F && b != UInt8(ascii: ".") && b != UInt8(ascii: "\\")) {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += escapeByte(b)
            }
        }
        return out
    }

    private static func isHostnameByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    private static func escapeByte(_ b: UInt8) -> String {
        let digits = String(b)
        return "\\" + String(repeating: "0", count: 3 - digits.count) + digits
    }
}
