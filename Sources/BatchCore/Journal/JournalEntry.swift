import BatchModel
import Foundation

/// One line of the journal, tagged by `"t"`: `header`, `intent` or `done`.
///
/// Encoded as one flat JSON object: `{"t":"intent","chunk":"3","emails":[…],"op":"create","rows":[…]}`.
public enum JournalEntry: Sendable, Equatable, Codable {
    case header(JournalHeader)
    case intent(JournalIntent)
    case done(JournalDone)

    private enum TagKey: String, CodingKey { case t }

    /// Reads the `"t"` tag, then the fields of that kind of line from the same object.
    public init(from decoder: any Decoder) throws {
        let tag = try decoder.container(keyedBy: TagKey.self).decode(String.self, forKey: .t)
        switch tag {
        case "header": self = .header(try JournalHeader(from: decoder))
        case "intent": self = .intent(try JournalIntent(from: decoder))
        case "done": self = .done(try JournalDone(from: decoder))
        default:
            throw DecodingError.dataCorrupted(
                .init(codingPath: [TagKey.t], debugDescription: "unknown line type \"\(tag)\""))
        }
    }

    /// Writes the `"t"` tag and the fields into one object (key order unspecified; see `line()`).
    public func encode(to encoder: any Encoder) throws {
        var tag = encoder.container(keyedBy: TagKey.self)
        switch self {
        case .header(let header):
            try tag.encode("header", forKey: .t)
            try header.encode(to: encoder)
        case .intent(let intent):
            try tag.encode("intent", forKey: .t)
            try intent.encode(to: encoder)
        case .done(let done):
            try tag.encode("done", forKey: .t)
            try done.encode(to: encoder)
        }
    }

    /// The entry's tag: `header`, `intent` or `done`.
    public var tag: String {
        switch self {
        case .header: "header"
        case .intent: "intent"
        case .done: "done"
        }
    }

    /// The journal line for this entry, without its newline: `"t"` first, then the fields in
    /// sorted order, so journals read and diff the same every time (`Codable` leaves order open),
    /// then its checksum (``JournalLineSeal``).
    public func line() throws -> Data {
        switch self {
        case .intent(let intent): return JournalLineSeal.seal(Data(Self.bytes(intent)))
        case .done(let done): return JournalLineSeal.seal(Data(Self.bytes(done)))
        case .header: break
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body: Data
        switch self {
        case .header(let header): body = try encoder.encode(header)
        case .intent(let intent): body = try encoder.encode(intent)
        case .done(let done): body = try encoder.encode(done)
        }
        var line = Data(#"{"t":""#.utf8) + Data(tag.utf8) + Data("\"".utf8)
        let fields = body.dropFirst()  // the body's fields and its closing brace
        if fields.first != UInt8(ascii: "}") { line.append(UInt8(ascii: ",")) }
        line.append(contentsOf: fields)
        return JournalLineSeal.seal(line)
    }

    // The lines written per chunk are encoded by hand (an encoder per line cost an import about an
    // eighth of its client CPU): the same bytes `JSONEncoder` writes with sorted keys, nil fields
    // left out, slashes unescaped. The header, once per run, still goes through the encoder.

    private static func bytes(_ intent: JournalIntent) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + intent.rows.count * 32)
        out.append(contentsOf: #"{"t":"intent","chunk":"#.utf8)
        JSONText.appendString(intent.chunk, to: &out)
        out.append(contentsOf: #","emails":["#.utf8)
        for (n, email) in intent.emails.enumerated() {
            if n > 0 { out.append(0x2C) }
            if let email { JSONText.appendString(email, to: &out) } else { out.append(contentsOf: "null".utf8) }
        }
        out.append(contentsOf: #"],"op":"#.utf8)
        JSONText.appendString(intent.op.rawValue, to: &out)
        out.append(contentsOf: #","rows":["#.utf8)
        appendList(intent.rows, to: &out)
        out.append(contentsOf: "]}".utf8)
        return out
    }

    private static func bytes(_ done: JournalDone) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32 + done.rows.count * 160)
        out.append(contentsOf: #"{"t":"done""#.utf8)
        if let chunk = done.chunk {
            out.append(contentsOf: #","chunk":"#.utf8)
            JSONText.appendString(chunk, to: &out)
        }
        out.append(contentsOf: #","rows":["#.utf8)
        for (n, o) in done.rows.enumerated() {
            if n > 0 { out.append(0x2C) }
            var first = true
            func key(_ name: StaticString) {
                out.append(first ? 0x7B : 0x2C)
                out.append(0x22)
                name.withUTF8Buffer { out.append(contentsOf: $0) }
                out.append(0x22)
                out.append(0x3A)
                first = false
            }
            func text(_ name: StaticString, _ value: String?) {
                guard let value else { return }
                key(name)
                JSONText.appendString(value, to: &out)
            }
            text("authUrl", o.authUrl)
            if let authorized = o.authorized {
                key("authorized")
                out.append(contentsOf: (authorized ? "true" : "false").utf8)
            }
            if let availability = o.calendarAvailability {
                key("calendarAvailability")
                out.append(contentsOf: String(availability).utf8)
            }
            text("calendarId", o.calendarId)
            text("email", o.email)
            text("id", o.id)
            text("message", o.message)
            text("name", o.name)
            text("provider", o.provider)
            key("row")
            out.append(contentsOf: String(o.row).utf8)
            text("status", o.status.rawValue)
            out.append(0x7D)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    private static func appendList(_ numbers: [Int], to out: inout [UInt8]) {
        for (n, number) in numbers.enumerated() {
            if n > 0 { out.append(0x2C) }
            out.append(contentsOf: String(number).utf8)
        }
    }
}
