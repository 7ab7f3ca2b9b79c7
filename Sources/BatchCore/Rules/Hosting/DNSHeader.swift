
/// The 12-byte header of a DNS message (RFC 1035 §4.1.1).
///
/// `flags` holds the raw second 16-bit word; the computed properties read and write its bits so
/// that a parsed header round-trips unchanged.
public struct DNSHeader: Sendable, Equatable {
    /// Matches an answer to its query; random in queries.
    public var id: UInt16
    /// QR, OPCODE, AA, TC, RD, RA, Z and RCODE as on the wire.
    public var flags: UInt16
    /// QDCOUNT as read from the wire (the encoder writes the real counts).
    public var questionCount: UInt16
    /// ANCOUNT.
    public var answerCount: UInt16
    /// NSCOUNT.
    public var authorityCount: UInt16
    /// ARCOUNT.
    public var additionalCount: UInt16

    /// A header from its raw fields.
    public init(id: UInt16, flags: UInt16 = 0, questionCount: UInt16 = 0, answerCount: UInt16 = 0,
                authorityCount: UInt16 = 0, additionalCount: UInt16 = 0) {
        self.id = id
        self.flags = flags
        self.questionCount = questionCount
        self.answerCount = answerCount
        self.authorityCount = authorityCount
        self.additionalCount = additionalCount
    }

    /// QR: the message is a response.
    public var isResponse: Bool {
        get { flags & 0x8000 != 0 }
        set { set(0x8000, newValue) }
    }
    /// OPCODE (0 = standard query).
    public var opcode: UInt8 { UInt8((flags >> 11) & 0x0F) }
    /// AA: the answer is authoritative.
    public var isAuthoritative: Bool { flags & 0x0400 != 0 }
    /// TC: the answer did not fit in the datagram; ask again over TCP.
    public var isTruncated: Bool {
        get { flags & 0x0200 != 0 }
        set { set(0x0200, newValue) }
    }
    /// RD: the client asks the server to recurse.
    public var recursionDesired: Bool {
        get { flags & 0x0100 != 0 }
        set { set(0x0100, newValue) }
    }
    /// RA: the server offers recursion.
    public var recursionAvailable: Bool { flags & 0x0080 != 0 }
    /// RCODE.
    public var responseCode: DNSResponseCode {
        get { DNSResponseCode(rawValue: UInt8(flags & 0x000F)) }
        set { flags = (flags & ~0x000F) | UInt16(newValue.rawValue) }
    }

    private mutating func set(_ bit: UInt16, _ on: Bool) {
        if on { flags |= bit } else { flags &= ~bit }
    }
}
