
/// A DNS message in the wire format of RFC 1035 §4: building queries and parsing responses.
///
/// The parser treats its input as hostile: every read is bounds-checked, compression pointers
/// must point strictly backwards (which makes loops impossible) and their number per name is
/// capped, and names are limited to 255 bytes. Malformed input throws a `DNSError`; it never
/// traps and never loops.
public struct DNSMessage: Sendable, Equatable {
    /// The fixed header.
    public var header: DNSHeader
    /// The question section.
    public var questions: [DNSQuestion]
    /// The answer section.
    public var answers: [DNSResourceRecord]
    /// The authority section.
    public var authorities: [DNSResourceRecord]
    /// The additional section.
    public var additionals: [DNSResourceRecord]

    /// Size of the fixed header.
    public static let headerLength = 12
    /// Upper bound on compression pointers followed in one name.
    static let maxPointersPerName = 64

    /// A message from its sections.
    public init(header: DNSHeader, questions: [DNSQuestion] = [], answers: [DNSResourceRecord] = [],
                authorities: [DNSResourceRecord] = [], additionals: [DNSResourceRecord] = []) {
        self.header = header
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    /// A standard recursive query (RD set) with one question of class IN.
    ///
    /// The id is random by default so that a stray or spoofed answer is unlikely to match.
    /// Throws `DNSError.invalidName` when `name` cannot be put on the wire.
    public static func query(for name: String, type: DNSRecordType = .mx,
                             id: UInt16 = UInt16.random(in: UInt16.min...UInt16.max)) throws(DNSError) -> DNSMessage {
        var scratch: [UInt8] = []
        try DNSName.encode(name, into: &scratch)  // validate early, with the caller's name in the error
        var header = DNSHeader(id: id, questionCount: 1)
        header.recursionDesired = true
        return DNSMessage(header: header, questions: [DNSQuestion(name: DNSName.normalized(name), type: type)])
    }

    // MARK: - Encoding

    /// The wire form of the message (no name compression). Section counts in the header are
    /// taken from the arrays, not from `header`.
    public func encoded() throws(DNSError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        func u16(_ v: UInt16) { out.append(UInt8(v >> 8)); out.append(UInt8(v & 0xFF)) }
        func count(_ n: Int, _ what: String) throws(DNSError) -> UInt16 {
            guard n <= Int(UInt16.max) else { throw .invalidName(what, reason: "too many entries") }
            return UInt16(n)
        }
        u16(header.id)
        u16(header.flags)
        u16(try count(questions.count, "question section"))
        u16(try count(answers.count, "answer section"))
        u16(try count(authorities.count, "authority section"))
        u16(try count(additionals.count, "additional section"))
        for q in questions {
            try DNSName.encode(q.name, into: &out)
            u16(q.type.rawValue)
            u16(q.recordClass)
        }
        for r in answers + authorities + additionals {
            try DNSName.encode(r.name, into: &out)
            u16(r.type.rawValue)
            u16(r.recordClass)
            u16(UInt16(r.ttl >> 16))
            u16(UInt16(r.ttl & 0xFFFF))
            var rdata: [UInt8] = []
            switch r.data {
            case let .mx(preference, exchange):
                rdata.append(UInt8(preference >> 8))
                rdata.append(UInt8(preference & 0xFF))
                try DNSName.encode(exchange, into: &rdata)
            case let .cname(target):
                try DNSName.encode(target, into: &rdata)
            case let .a(b0, b1, b2, b3):
                rdata = [b0, b1, b2, b3]
            case let .other(bytes):
                rdata = bytes
            }
            u16(try count(rdata.count, "RDATA of \(r.name)"))
            out.append(contentsOf: rdata)
        }
        return out
    }

    // MARK: - Parsing

    /// Parses a complete message (as received over UDP, or over TCP without its length prefix).
    public init(parsing bytes: [UInt8]) throws(DNSError) {
        var reader = Reader(bytes: bytes)
        let header = try reader.readHeader()
        var questions: [DNSQuestion] = []
        for _ in 0..<header.questionCount {
            let name = try reader.readName()
            let type = try reader.readUInt16()
            let cls = try reader.readUInt16()
            questions.append(DNSQuestion(name: name, type: DNSRecordType(rawValue: type), recordClass: cls))
        }
        var sections: [[DNSResourceRecord]] = [[], [], []]
        for (i, n) in [header.answerCount, header.authorityCount, header.additionalCount].enumerated() {
            for _ in 0..<n { sections[i].append(try reader.readRecord()) }
        }
        self.init(header: header, questions: questions, answers: sections[0],
                  authorities: sections[1], additionals: sections[2])
    }

    /// Parses only the header: enough to tell whether a datagram answers our query at all.
    public static func parseHeader(_ bytes: [UInt8]) throws(DNSError) -> DNSHeader {
        var reader = Reader(bytes: bytes)
        return try reader.readHeader()
    }

    /// A bounds-checked cursor over the message bytes.
    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func need(_ n: Int, at position: Int) throws(DNSError) {
            guard position >= 0, n >= 0, position <= bytes.count, bytes.count - position >= n else {
                throw .truncatedMessage(offset: position, needed: n, length: bytes.count)
            }
        }

        mutating func readUInt16() throws(DNSError) -> UInt16 {
            try need(2, at: offset)
            defer { offset += 2 }
            return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
        }

        mutating func readUInt32() throws(DNSError) -> UInt32 {
            let hi = try readUInt16()
            let lo = try readUInt16()
            return UInt32(hi) << 16 | UInt32(lo)
        }

        mutating func readHeader() throws(DNSError) -> DNSHeader {
            try need(DNSMessage.headerLength, at: 0)
            offset = 0
            return DNSHeader(id: try readUInt16(), flags: try readUInt16(), questionCount: try readUInt16(),
                             answerCount: try readUInt16(), authorityCount: try readUInt16(),
                             additionalCount: try readUInt16())
        }

        /// Reads the name at the cursor and moves past it (past the first pointer, if any).
        mutating func readName() throws(DNSError) -> String {
            let (name, end) = try name(at: offset)
            offset = end
            return name
        }

        /// Decodes the possibly compressed name starting at `start`; returns it and the offset
        /// just after its in-place part.
        func name(at start: Int) throws(DNSError) -> (String, Int) {
            var labels: [String] = []
            var position = start
            var end: Int?
            var pointers = 0
            var wireLength = 1
            // Each pointer must target an offset before the start of the segment it is read from.
            var segmentStart = start
            while true {
                try need(1, at: position)
                let length = bytes[position]
                switch length & 0xC0 {
                case 0x00:
                    if length == 0 {
                        return (labels.joined(separator: "."), end ?? position + 1)
                    }
                    let n = Int(length)
                    try need(1 + n, at: position)
                    wireLength += 1 + n
                    guard wireLength <= DNSName.maxWireLength else { throw .nameTooLong(offset: start) }
                    labels.append(DNSName.labelText(bytes[(position + 1)..<(position + 1 + n)]))
                    position += 1 + n
                case 0xC0:
                    try need(2, at: position)
                    let target = Int(length & 0x3F) << 8 | Int(bytes[position + 1])
                    guard target < segmentStart else { throw .badPointer(offset: position, target: target) }
                    pointers += 1
                    guard pointers <= DNSMessage.maxPointersPerName else { throw .tooManyPointers(offset: start) }
                    if end == nil { end = position + 2 }
                    segmentStart = target
                    position = target
                default:
                    throw .badLabelType(offset: position, byte: length)
                }
            }
        }

        mutating func readRecord() throws(DNSError) -> DNSResourceRecord {
            let name = try readName()
            let type = DNSRecordType(rawValue: try readUInt16())
            let cls = try readUInt16()
            let ttl = try readUInt32()
            let rdLength = Int(try readUInt16())
            let rdStart = offset
            try need(rdLength, at: rdStart)
            let rdEnd = rdStart + rdLength
            let data: DNSResourceRecord.RecordData
            switch type {
            case .mx:
                guard rdLength >= 3 else {
                    throw .badRecordData(type: type.rawValue, offset: rdStart, reason: "MX RDATA shorter than 3 bytes")
                }
                let preference = UInt16(bytes[rdStart]) << 8 | UInt16(bytes[rdStart + 1])
                let (exchange, nameEnd) = try self.name(at: rdStart + 2)
                guard nameEnd == rdEnd else {
                    throw .badRecordData(type: type.rawValue, offset: rdStart, reason: "exchange name does not end with the RDATA")
                }
                data = .mx(preference: preference, exchange: exchange)
            case .cname:
                let (target, nameEnd) = try self.name(at: rdStart)
                guard nameEnd == rdEnd else {
                    throw .badRecordData(type: type.rawValue, offset: rdStart, reason: "name does not end with the RDATA")
                }
                data = .cname(target)
            case .a where cls == DNSResourceRecord.classIN:
                guard rdLength == 4 else {
                    throw .badRecordData(type: type.rawValue, offset: rdStart, reason: "A RDATA is \(rdLength) bytes, not 4")
                }
                data = .a(bytes[rdStart], bytes[rdStart + 1], bytes[rdStart + 2], bytes[rdStart + 3])
            default:
                data = .other(Array(bytes[rdStart..<rdEnd]))
            }
            offset = rdEnd
            return DNSResourceRecord(name: name, type: type, recordClass: cls, ttl: ttl, data: data)
        }
    }
}
