/// One line of the journal, tagged by `"t"`: `header`, `intent` or `done`.
///
/// Encoded as one flat JSON object: `{"t":"intent","chunk":"3","op":"create","rows":[…],"emails":[…]}`.
public enum JournalEntry: Sendable, Equatable, Codable {
    case header(JournalHeader)
    case intent(JournalIntent)
    case done(JournalDone)

    private enum TagKey: String, CodingKey { case t }

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
}
