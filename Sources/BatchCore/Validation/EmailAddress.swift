/// A pragmatic, byte-level e-mail syntax check: what OnSched and mail servers accept in practice.
public enum EmailAddress {
    /// Why `text` is not a usable address, or `nil` when it is one.
    public static func problem(_ text: String) -> String? {
        let utf8 = Array(text.utf8)
        if utf8.count > 254 { return "is longer than 254 characters" }
        guard let at = utf8.lastIndex(of: UInt8(ascii: "@")) else { return "has no @" }
        if utf8.firstIndex(of: UInt8(ascii: "@")) != at { return "has more than one @" }
        let local = utf8[..<at]
        let domain = utf8[(at + 1)...]
        if local.isEmpty { return "has nothing before the @" }
        if local.count > 64 { return "has more than 64 characters before the @" }
        if local.first == 0x2E || local.last == 0x2E { return "starts or ends with a dot before the @" }
        var previousDot = false
        for b in local {
            let isDot = b == 0x2E
            if isDot && previousDot { return "has two dots in a row" }
            previousDot = isDot
            if !(isAtext(b) || isDot || b >= 0x80) { return "contains '\(Character(Unicode.Scalar(b)))', which an address cannot hold" }
        }
        if domain.isEmpty { return "has no domain after the @" }
        let labels = domain.split(separator: 0x2E, omittingEmptySubsequences: false)
        if labels.count < 2 { return "has a domain without a dot" }
        for label in labels {
            if label.isEmpty { return "has an empty label in its domain" }
            if label.count > 63 { return "has a domain label longer than 63 characters" }
            if label.first == 0x2D || label.last == 0x2D { return "has a domain label starting or ending with '-'" }
            for b in label where !(isAlnum(b) || b == 0x2D) {
                return b >= 0x80 ? "has a non-ASCII domain (write it in punycode, xn--…)" : "has '\(Character(Unicode.Scalar(b)))' in its domain"
            }
        }
        if let tld = labels.last, tld.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return "has a numeric top-level domain" }
        return nil
    }

    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    @inline(__always) static func isAtext(_ b: UInt8) -> Bool {
        if isAlnum(b) { return true }
        switch b {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
             UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
             UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// The address lowercased: the key for matching and duplicate detection.
    public static func key(_ text: String) -> String { text.lowercased() }
}
