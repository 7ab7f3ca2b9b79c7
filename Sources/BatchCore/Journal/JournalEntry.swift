import BatchModel
import Foundation
import JSONCodec

/// One line of the journal, tagged by `"t"`: `header`, `intent`, `done` or `withdrawn`.
///
/// Encoded as one flat JSON object: `{"t":"intent","chunk":"3","emails":[…],"op":"create","rows":[…]}`.
public enum JournalEntry: Sendable, Equatable, Codable {
    case header(JournalHeader)
    case intent(JournalIntent)
    case done(JournalDone)
    case withdrawn(JournalWithdrawn)

    private enum TagKey: String, CodingKey { case t }

    /// Reads the `"t"` tag, then the fields of that kind of line from the same object.
    public init(from decoder: any Decoder) throws {
        let tag = try decoder.container(keyedBy: TagKey.self).decode(String.self, forKey: .t)
        switch tag {
        case "header": self = .header(try JournalHeader(from: decoder))
        case "intent": self = .intent(try JournalIntent(from: decoder))
        case "done": self = .done(try JournalDone(from: decoder))
        case "withdrawn": self = .withdrawn(try JournalWithdrawn(from: decoder))
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
        case .withdrawn(let withdrawn):
            try tag.encode("withdrawn", forKey: .t)
            try withdrawn.encode(to: encoder)
        }
    }

    /// The entry's tag: `header`, `intent`, `done` or `withdrawn`.
    public var tag: String {
        switch self {
        case .header: "header"
        case .intent: "intent"
        case .done: "done"
        case .withdrawn: "withdrawn"
        }
    }

    /// The journal line for this entry, without its newline: `"t"` first, then the fields in
    /// sorted order, so journals read and diff the same every time (`Codable` leaves order open),
    /// then its checksum (``JournalLineSeal``).
    public func line() throws -> Data {
        switch self {
        case .intent, .done, .withdrawn: return Data(try lineBytes())
        case .header: break
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body: Data
        switch self {
        case .header(let header): body = try encoder.encode(header)
        case .intent(let intent): body = try encoder.encode(intent)
        case .done(let done): body = try encoder.encode(done)
        case .withdrawn(let withdrawn): body = try encoder.encode(withdrawn)
        }
        var line = Data(#"{"t":""#.utf8) + Data(tag.utf8) + Data("\"".utf8)
        let fields = body.dropFirst()  // the body's fields and its closing brace
        if fields.first != UInt8(ascii: "}") { line.append(UInt8(ascii: ",")) }
        line.append(contentsOf: fields)
        return JournalLineSeal.seal(line)
    }

    // The lines written per chunk are written with a JSONWriter (an encoder per line cost an
    // import about an eighth of its client CPU): the same bytes `JSONEncoder` writes with sorted
    // keys, nil fields left out, slashes unescaped, and the same bytes the hand-written appends
    // before it wrote (`JournalLineCompatibilityTests`). The header, once per run, still goes
    // through the encoder.

    /// ``line()`` as the bytes the writer made: what `Journal.append` writes, without turning
    /// an intent's or done line into `Data` and copying it again into the write buffer (issue 17).
    func lineBytes() throws -> [UInt8] {
        switch self {
        case .intent, .done, .withdrawn:
            return sealedLine().bytes
        case .header: return [UInt8](try line())
        }
    }

    /// Whether the line is made by a `JSONWriter` (``sealedLine()``): every line but the header.
    var isWrittenLine: Bool {
        if case .header = self { false } else { true }
    }

    /// An intent's, done or withdrawn line, sealed, in the writer that made it: `Journal.append`
    /// writes it from there, with no copy of the line (issue 17). The header gives an empty writer.
    func sealedLine() -> JSONWriter {
        var w: JSONWriter
        switch self {
        case .intent(let intent): w = Self.writer(intent)
        case .done(let done): w = Self.writer(done)
        case .withdrawn(let withdrawn): w = Self.writer(withdrawn)
        case .header: return JSONWriter()
        }
        JournalLineSeal.seal(&w)
        return w
    }

    private static func writer(_ withdrawn: JournalWithdrawn) -> JSONWriter {
        var w = JSONWriter(capacity: 32 + withdrawn.rows.count * 8)
        w.beginObject()
        w.key("t")
        w.string("withdrawn")
        w.key("rows")
        w.beginArray()
        for row in withdrawn.rows { w.int(row) }
        w.endArray()
        w.endObject()
        return w
    }

    private static func writer(_ intent: JournalIntent) -> JSONWriter {
        var w = JSONWriter(capacity: 64 + intent.rows.count * 40)
        w.beginObject()
        w.key("t")
        w.string("intent")
        w.key("chunk")
        w.string(intent.chunk)
        w.key("emails")
        w.beginArray()
        for email in intent.emails {
            if let email { w.string(email) } else { w.null() }
        }
        w.endArray()
        w.key("op")
        w.string(intent.op.rawValue)
        w.key("rows")
        w.beginArray()
        for row in intent.rows { w.int(row) }
        w.endArray()
        w.endObject()
        return w
    }

    private static func writer(_ done: JournalDone) -> JSONWriter {
        var w = JSONWriter(capacity: 32 + done.rows.count * 640)
        w.beginObject()
        w.key("t")
        w.string("done")
        if let chunk = done.chunk {
            w.key("chunk")
            w.string(chunk)
        }
        w.key("rows")
        w.beginArray()
        // Each outcome read where it lies: `for o in done.rows` copied each one (issue 17).
        done.rows.withUnsafeBufferPointer { rows in
            for o in rows.indices {
                w.beginObject()
                if let v = rows[o].authUrl { w.key("authUrl"); w.string(v) }
                if let v = rows[o].authorized { w.key("authorized"); w.bool(v) }
                if let v = rows[o].calendarAvailability { w.key("calendarAvailability"); w.int(v) }
                if let v = rows[o].calendarId { w.key("calendarId"); w.string(v) }
                if let v = rows[o].email { w.key("email"); w.string(v) }
                if let v = rows[o].id { w.key("id"); w.string(v) }
                if let v = rows[o].message { w.key("message"); w.string(v) }
                if let v = rows[o].name { w.key("name"); w.string(v) }
                if let v = rows[o].provider { w.key("provider"); w.string(v) }
                w.key("row")
                w.int(rows[o].row)
                w.key("status")
                w.string(rows[o].status.rawValue)
                w.endObject()
            }
        }
        w.endArray()
        w.endObject()
        return w
    }
}
