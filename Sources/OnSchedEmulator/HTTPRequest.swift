import Foundation

/// One parsed HTTP/1.x request, body included.
struct HTTPRequest: Sendable {
    /// `GET`, `POST`, … as sent (methods are case-sensitive).
    var method: String
    /// The request target as sent, e.g. `/setup/v1/resources?limit=1`.
    var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    var minorVersion: Int
    /// Header fields in order, names lower-cased.
    var headers: [(name: String, value: String)]
    /// The body (empty without `Content-Length`).
    var body: [UInt8]

    /// The target's path, without the query string (still percent-encoded).
    var path: Substring {
        if let q = target.firstIndex(of: "?") { return target[..<q] }
        return target[...]
    }

    /// The target's query string without `?`, or empty.
    var rawQuery: Substring {
        if let q = target.firstIndex(of: "?") { return target[target.index(after: q)...] }
        return ""
    }

    /// The first value of a header (name compared case-insensitively).
    func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first(where: { $0.name == lower })?.value
    }

    /// Whether the connection stays open after this request (HTTP/1.1 default, `Connection` header).
    var keepAlive: Bool {
        let tokens = headers.filter { $0.name == "connection" }
            .flatMap { $0.value.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        if tokens.contains("close") { return false }
        if minorVersion == 0 { return tokens.contains("keep-alive") }
        return true
    }
}
