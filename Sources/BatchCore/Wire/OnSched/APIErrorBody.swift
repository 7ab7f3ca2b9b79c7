import Foundation

/// Turns any error body into one readable line.
///
/// The v1 error body is undocumented (onsched-api.md), so every shape seen in OnSched's sample
/// app and in ASP.NET is understood, and anything else degrades to trimmed text or the status
/// line. Never traps, whatever the bytes (it is fuzzed).
public enum APIErrorBody {
    /// Longest message returned from JSON, in characters.
    static let jsonLimit = 1000
    /// Longest message returned from a text or HTML body, in characters.
    static let textLimit = 300
    /// Bodies longer than this are not parsed as JSON.
    static let parseLimit = 1 << 20
    /// Deepest JSON nesting looked into.
    static let depthLimit = 8

    /// One readable message for an error answer with status `status` and body `data`:
    ///
    /// - `{"error":"…"}`, `{"error":"invalid_client","error_description":"…"}`, `{"error":{"message":"…"}}`
    /// - `{"message":"…"}` (any letter case), with ASP.NET's `ModelState` field map appended
    /// - `{"Email":["The Email field is required."],"Name":["…"]}` → `Email: The Email field is required.; Name: …`
    ///   (keys sorted)
    /// - problem details `{"title":…,"detail":…,"errors":{…}}`
    /// - a JSON string, or an array of any of these (joined with `; `)
    /// - text or HTML: the HTML `<title>` or the text without tags, whitespace collapsed,
    ///   cut to about 300 characters
    /// - an empty body (or JSON with nothing readable): `HTTP 502 Bad Gateway`.
    public static func message(from data: Data, status: Int) -> String {
        let fallback = statusLine(status)
        guard !data.isEmpty else { return fallback }
        if data.count <= parseLimit, let json = parseJSON(data) {
            let text = clean(describe(json, depth: 0) ?? "", limit: jsonLimit)
            return text.isEmpty ? fallback : text
        }
        let text = clean(plainText(String(decoding: data, as: UTF8.self)), limit: textLimit)
        return text.isEmpty ? fallback : text
    }

    /// `HTTP 502 Bad Gateway`, or `HTTP 599` for a code without a known reason phrase.
    public static func statusLine(_ status: Int) -> String {
        if let reason = reasons[status] { return "HTTP \(status) \(reason)" }
        return "HTTP \(status)"
    }

    // MARK: - JSON

    private static func parseJSON(_ data: Data) -> Any? {
        // HTML and XML are never JSON: skip the parse.
        guard let first = data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }),
            first != UInt8(ascii: "<")
        else { return nil }
        return try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    /// A readable text for a parsed JSON value, or nil when it holds nothing readable.
    private static func describe(_ value: Any, depth: Int) -> String? {
        guard depth < depthLimit else { return nil }
        if let s = value as? String { return nonEmpty(s) }
        if let array = value as? [Any] {
            let parts = array.prefix(50).compactMap { describe($0, depth: depth + 1) }
            return parts.isEmpty ? nil : parts.joined(separator: "; ")
        }
        if let object = value as? [String: Any] { return describe(object: object, depth: depth) }
        return nil  // numbers, bools, null say nothing on their own
    }

    private static func describe(object: [String: Any], depth: Int) -> String? {
        func field(_ names: String...) -> Any? {
            for (key, value) in object where names.contains(key.lowercased()) {
                if !(value is NSNull) { return value }
            }
            return nil
        }
        let fieldMap = (field("errors", "modelstate") as? [String: Any]).flatMap { describeFieldMap($0, depth: depth + 1) }

        // {"error": "invalid_client", "error_description": "…"} and {"error": {...}}
        if let error = field("error") {
            let main = describe(error, depth: depth + 1)
            let detail = field("error_description").flatMap { describe($0, depth: depth + 1) }
            if let parts = nonEmpty([main, detail, fieldMap].compactMap { $0 }.joined(separator: ": ")) { return parts }
        }
        // {"message": "…"} / ASP.NET {"Message": "…", "ModelState": {…}}
        if let message = field("message").flatMap({ describe($0, depth: depth + 1) }) {
            let detail = field("detail", "exceptionmessage", "messagedetail").flatMap { describe($0, depth: depth + 1) }
            return join(message, detail, fieldMap)
        }
        // problem details {"title": …, "detail": …, "errors": {…}}
        let title = field("title").flatMap { describe($0, depth: depth + 1) }
        let detail = field("detail", "error_description").flatMap { describe($0, depth: depth + 1) }
        if title != nil || detail != nil || fieldMap != nil {
            return join(title, detail, fieldMap)
        }
        if let errors = field("errors").flatMap({ describe($0, depth: depth + 1) }) { return errors }
        // Anything else: read it as a field map ({"Email": ["…"]}).
        return describeFieldMap(object, depth: depth)
    }

    /// `Email: The Email field is required.; Name: …` with keys sorted; several messages of one
    /// key are joined with a space.
    private static func describeFieldMap(_ map: [String: Any], depth: Int) -> String? {
        let parts: [String] = map.keys.sorted().prefix(50).compactMap { key in
            guard let text = describe(map[key] as Any, depth: depth + 1)?.replacingOccurrences(of: "; ", with: " ") else {
                if let number = map[key] as? NSNumber { return "\(key): \(number)" }
                return nil
            }
            let name = key.isEmpty ? "" : "\(key): "
            return name + text
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// `first: second (third)`, skipping the missing parts and repeats.
    private static func join(_ first: String?, _ second: String?, _ third: String?) -> String? {
        var text = first ?? ""
        if let second, second != first { text = text.isEmpty ? second : "\(text): \(second)" }
        if let third { text = text.isEmpty ? third : "\(text) (\(third))" }
        return nonEmpty(text)
    }

    // MARK: - Text and HTML

    private static func plainText(_ raw: String) -> String {
        let lower = raw.lowercased()
        let looksLikeHTML = lower.contains("<html") || lower.contains("<!doctype") || lower.contains("<body")
            || lower.contains("<title") || lower.contains("<h1")
        guard looksLikeHTML else { return raw }
        if let title = between("<title", "</title>", in: raw) {
            let text = stripTags(title)
            if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return text }
        }
        var text = raw
        for tag in ["script", "style", "head"] {
            while let range = rangeOfElement(tag, in: text) { text.removeSubrange(range) }
        }
        return stripTags(text)
    }

    /// The text between `<open…>` and `close`, compared case-insensitively.
    private static func between(_ open: String, _ close: String, in text: String) -> String? {
        guard let start = text.range(of: open, options: .caseInsensitive),
            let startEnd = text[start.upperBound...].firstIndex(of: ">"),
            let end = text.range(of: close, options: .caseInsensitive, range: startEnd..<text.endIndex)
        else { return nil }
        return String(text[text.index(after: startEnd)..<end.lowerBound])
    }

    private static func rangeOfElement(_ tag: String, in text: String) -> Range<String.Index>? {
        guard let start = text.range(of: "<\(tag)", options: .caseInsensitive),
            let end = text.range(of: "</\(tag)>", options: .caseInsensitive, range: start.upperBound..<text.endIndex)
        else { return nil }
        return start.lowerBound..<end.upperBound
    }

    private static func stripTags(_ html: String) -> String {
        var out = ""
        var inTag = false
        for ch in html {
            if ch == "<" { inTag = true; out.append(" ") }
            else if ch == ">" && inTag { inTag = false }
            else if !inTag { out.append(ch) }
        }
        return out.replacingOccurrences(of: "&nbsp;", with: " ").replacingOccurrences(of: "&amp;", with: "&")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
    }

    // MARK: - Cleaning

    /// Control characters become spaces, whitespace runs one space, trimmed, cut to `limit`
    /// characters (with `…`).
    static func clean(_ text: String, limit: Int) -> String {
        var out = ""
        var pendingSpace = false
        var count = 0
        for scalar in text.unicodeScalars {
            let isSpace = scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                || scalar == "\u{FFFD}" || scalar == "\u{FEFF}"
            if isSpace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.unicodeScalars.append(" ")
                count += 1
                pendingSpace = false
            }
            if count >= limit {
                out.unicodeScalars.append("…")
                return out
            }
            out.unicodeScalars.append(scalar)
            count += 1
        }
        return out
    }

    private static func nonEmpty(_ s: String) -> String? {
        s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : s
    }

    private static let reasons: [Int: String] = [
        400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
        405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
        411: "Length Required", 412: "Precondition Failed", 413: "Content Too Large", 414: "URI Too Long",
        415: "Unsupported Media Type", 422: "Unprocessable Content", 423: "Locked", 425: "Too Early",
        428: "Precondition Required", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
        500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
        504: "Gateway Timeout", 505: "HTTP Version Not Supported", 507: "Insufficient Storage",
        511: "Network Authentication Required",
    ]
}
