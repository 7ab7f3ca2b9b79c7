
/// Strict percent-encoding for query values, form fields and path segments.
///
/// Only RFC 3986 "unreserved" bytes (`A–Z a–z 0–9 - . _ ~`) stay as they are, so `&`, `=`, `?`,
/// `+`, `/`, `#` and `%` inside a value can never change the URL's structure.
enum PercentEncoding {
    /// Encodes every byte except the unreserved ones (and those in `extra`).
    static func encode(_ value: String, keeping extra: Set<UInt8> = []) -> String {
        // Written as bytes, the set asked only for a reserved byte and only when it holds any:
        // appending each byte as a scalar and hashing it into the set cost ~100 instructions a
        // byte, every request's return URLs included (issue 17).
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count * 3)
        let hex: StaticString = "0123456789ABCDEF"
        for byte in value.utf8 {
            let unreserved = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            if unreserved || (!extra.isEmpty && extra.contains(byte)) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex.utf8Start[Int(byte >> 4)])
                out.append(hex.utf8Start[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A path segment: unreserved bytes and `@` stay (so `pat@gmail.com` reads naturally);
    /// `.` and `..` alone are encoded so they cannot walk the path.
    static func pathSegment(_ value: String) -> String {
        if value == "." { return "%2E" }
        if value == ".." { return "%2E%2E" }
        return encode(value, keeping: [UInt8(ascii: "@")])
    }

    /// `name=value&…` with both sides strictly encoded (for queries and
    /// `application/x-www-form-urlencoded` bodies; a space becomes `%20`, which both accept).
    static func query(_ items: [(name: String, value: String)]) -> String {
        items.map { "\(encode($0.name))=\(encode($0.value))" }.joined(separator: "&")
    }
}
