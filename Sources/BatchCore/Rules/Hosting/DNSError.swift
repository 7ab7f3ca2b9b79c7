
/// Everything that can go wrong while building, parsing or exchanging a DNS message.
///
/// Each case carries enough context (offsets, names, the server) to make its `description` a
/// sentence a user can act on; the parser reports hostile or truncated input as one of these
/// instead of crashing.
public enum DNSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message ended before a field that its own structure announced.
    case truncatedMessage(offset: Int, needed: Int, length: Int)
    /// A compression pointer points outside the message or not strictly backwards.
    case badPointer(offset: Int, target: Int)
    /// A name followed more compression pointers than any legitimate message needs.
    case tooManyPointers(offset: Int)
    /// A label length byte uses the reserved 0b01/0b10 prefixes.
    case badLabelType(offset: Int, byte: UInt8)
    /// A name is longer than the 255 bytes allowed on the wire.
    case nameTooLong(offset: Int)
    /// A record's RDATA does not have the layout its type demands.
    case badRecordData(type: UInt16, offset: Int, reason: String)
    /// A name given to the encoder cannot be put on the wire.
    case invalidName(String, reason: String)
    /// An answer's id is not the id of the query it is supposed to answer.
    case idMismatch(expected: UInt16, received: UInt16)
    /// An answer's question is not the question that was asked.
    case questionMismatch(expected: String, received: String)
    /// A message that should be a response has the QR bit clear.
    case notAResponse
    /// `IP[:PORT]` text that is not an IPv4/IPv6 server address.
    case invalidServerAddress(String, reason: String)
    /// The lookup of `domain` failed on every server and every retry; `reason` names the servers
    /// and what happened, e.g. "DNS server 127.0.0.1:53 timed out".
    case lookupFailed(domain: String, reason: String)

    /// A sentence saying what went wrong and where.
    public var description: String {
        switch self {
        case let .truncatedMessage(offset, needed, length):
            return "truncated DNS message: needed \(needed) byte(s) at offset \(offset), but the message has \(length)"
        case let .badPointer(offset, target):
            return "bad compression pointer at offset \(offset) (to offset \(target)); pointers must point backwards inside the message"
        case let .tooManyPointers(offset):
            return "too many compression pointers in the name at offset \(offset) (pointer loop?)"
        case let .badLabelType(offset, byte):
            return "unsupported label type 0x\(String(byte, radix: 16)) at offset \(offset)"
        case let .nameTooLong(offset):
            return "name at offset \(offset) is longer than 255 bytes"
        case let .badRecordData(type, offset, reason):
            return "bad RDATA of type \(type) at offset \(offset): \(reason)"
        case let .invalidName(name, reason):
            return "invalid domain name \"\(name)\": \(reason)"
        case let .idMismatch(expected, received):
            return "DNS answer id \(received) does not match the query id \(expected)"
        case let .questionMismatch(expected, received):
            return "DNS answer is for \"\(received)\", not for the question \"\(expected)\""
        case .notAResponse:
            return "DNS message is a query, not a response"
        case let .invalidServerAddress(text, reason):
            return "invalid DNS server \"\(text)\": \(reason) (expected IP[:PORT], e.g. 127.0.0.1:53 or [::1]:53)"
        case let .lookupFailed(domain, reason):
            return "lookup of \(domain) failed: \(reason)"
        }
    }
}
