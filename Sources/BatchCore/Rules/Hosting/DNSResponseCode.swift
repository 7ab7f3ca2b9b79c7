
/// The RCODE of a DNS header (RFC 1035 §4.1.1), kept open for values this client does not name.
public struct DNSResponseCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The 4-bit value.
    public var rawValue: UInt8
    /// Any RCODE (masked to 4 bits).
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x0F }

    /// NOERROR: an answer, possibly with no data.
    public static let noError = DNSResponseCode(rawValue: 0)
    /// FORMERR: the server could not parse the query.
    public static let formatError = DNSResponseCode(rawValue: 1)
    /// SERVFAIL: the server could not answer.
    public static let serverFailure = DNSResponseCode(rawValue: 2)
    /// NXDOMAIN: the name does not exist.
    public static let nameError = DNSResponseCode(rawValue: 3)
    /// NOTIMP.
    public static let notImplemented = DNSResponseCode(rawValue: 4)
    /// REFUSED: the server will not answer this client.
    public static let refused = DNSResponseCode(rawValue: 5)

    /// The mnemonic, e.g. "SERVFAIL".
    public var description: String {
        switch rawValue {
        case 0: return "NOERROR"
        case 1: return "FORMERR"
        case 2: return "SERVFAIL"
        case 3: return "NXDOMAIN"
        case 4: return "NOTIMP"
        case 5: return "REFUSED"
        default: return "RCODE\(rawValue)"
        }
    }
}
