
/// Replaces every occurrence of some secrets in a text with `<redacted>`, whatever encoding the
/// occurrence is in: raw, percent-encoded with upper- or lower-case hex (wholly or in part, as
/// different encoders leave different characters alone), form-encoded (`+` for a space), or
/// JSON-escaped (`\/`, `\"`, `\\`, `\u00XX`).
///
/// Matching works byte by byte on the secret: each of its bytes may appear in the text as itself
/// or in any of those encodings, so a mix such as `s3cr%2Et+v%c3%a9` is found too. A pure value;
/// `SecretRegistry` holds the run's secrets.
public struct SecretRedactor: Sendable, Equatable {
    public static let replacement = "<redacted>"
    private var secrets: [[UInt8]]

    public init(_ secrets: [String] = []) {
        self.secrets = []
        for s in secrets { add(s) }
    }

    /// Adds a secret (an empty one, or one already there, changes nothing). Longer secrets are
    /// matched first, so a token containing the client secret is redacted whole.
    public mutating func add(_ secret: String) {
        let bytes = Array(secret.utf8)
        guard !bytes.isEmpty, !secrets.contains(bytes) else { return }
        secrets.append(bytes)
        secrets.sort { $0.count > $1.count }
    }

    public var isEmpty: Bool { secrets.isEmpty }

    /// `text` with every occurrence of every secret replaced.
    public func redact(_ text: String) -> String {
        guard !secrets.isEmpty, !text.isEmpty else { return text }
        var bytes = Array(text.utf8)
        var changed = false
        for secret in secrets {
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var i = 0
            var found = false
            while i < bytes.count {
                if let end = Self.match(secret, in: bytes, at: i) {
                    out.append(contentsOf: Self.replacement.utf8)
                    i = end
                    found = true
                } else {
                    out.append(bytes[i])
                    i += 1
                }
            }
            if found {
                bytes = out
                changed = true
            }
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    /// The end of an occurrence of `secret` starting at `start`, if there is one.
    static func match(_ secret: [UInt8], in text: [UInt8], at start: Int) -> Int? {
        var i = start
        for b in secret {
            guard i < text.count else { return nil }
            let c = text[i]
            if c == b {
                i += 1
            } else if c == UInt8(ascii: "%"), i + 2 < text.count, let v = hexPair(text[i + 1], text[i + 2]), v == b {
                i += 3
            } else if c == UInt8(ascii: "+"), b == 0x20 {
                i += 1
            } else if c == UInt8(ascii: "\\"), i + 1 < text.count {
                let e = text[i + 1]
                if e == b, b == UInt8(ascii: "/") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                    i += 2
                } else if e == UInt8(ascii: "u"), i + 5 < text.count, text[i + 2] == UInt8(ascii: "0"), text[i + 3] == UInt8(ascii: "0"),
                    let v = hexPair(text[i + 4], text[i + 5]), v == b
                {
                    i += 6
                } else {
                    return nil
                }
            } else {
                return nil
            }
        }
        return i
    }

    private static func hexPair(_ a: UInt8, _ b: UInt8) -> UInt8? {
        guard let h = hex(a), let l = hex(b) else { return nil }
        return h << 4 | l
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
