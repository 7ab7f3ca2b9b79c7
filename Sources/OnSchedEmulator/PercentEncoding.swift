/// Percent-decoding of paths, queries and form bodies, and strict percent-encoding for the
/// authorization links the emulator builds.
enum PercentEncoding {
    /// Decodes `%XX` escapes (and `+` as space when `plusIsSpace`, as in forms and query strings).
    /// Invalid escapes are kept literally; invalid UTF-8 is replaced.
    static func decode<S: StringProtocol>(_ text: S, plusIsSpace: Bool) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let b = iterator.popFirst() {
            if b == UInt8(ascii: "%"), iterator.count >= 2,
               let hi = hexValue(iterator[iterator.startIndex]), let lo = hexValue(iterator[iterator.startIndex + 1]) {
                bytes.append(hi << 4 | lo)
                iterator = iterator.dropFirst(2)
            } else if b == UInt8(ascii: "+") && plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `application/x-www-form-urlencoded` pairs (also query strings); the first value of a name wins.
    static func form<S: StringProtocol>(_ text: S) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let name: String
            let value: String
            if let eq = pair.firstIndex(of: "=") {
                name = decode(pair[..<eq], plusIsSpace: true)
                value = decode(pair[pair.index(after: eq)...], plusIsSpace: true)
            } else {
                name = decode(pair, plusIsSpace: true)
                value = ""
            }
            if result[name] == nil { result[name] = value }
        }
        return result
    }

    /// Encodes everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`), so the
    /// value is safe inside a query parameter whatever it contains (`&`, `=`, `;`, `/`, spaces).
    static func encodeComponent(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count * 3)
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(b))
            default:
                out += "%"
                out.unicodeScalars.append(UnicodeScalar(hexDigits[Int(b >> 4)]))
                out.unicodeScalars.append(UnicodeScalar(hexDigits[Int(b & 0x0F)]))
            }
        }
        return out
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
