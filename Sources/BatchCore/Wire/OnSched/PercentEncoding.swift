
/// Strict percent-encoding for query values, form fields and path segments.
///
/// Only RFC 3986 "unreserved" bytes (`A–Z a–z 0–9 - . _ ~`) stay as they are, so `&`, `=`, `?`,
/// `+`, `/`, `#` and `%` inside a value can never change the URL's structure.
enum PercentEncoding {
    /// Encodes every byte except the unreserved ones (and those in `extra`).
    static func encode(_ value: String, keeping extra: Set<UInt8> = []) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in value.utf8 {
            let unreserved = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            if unreserved || extra.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return out
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
