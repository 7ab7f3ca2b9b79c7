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
}
