
/// A DNS TYPE / QTYPE value (RFC 1035 §3.2.2). A struct rather than an enum so that any value
/// seen on the wire can be represented.
public struct DNSRecordType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The 16-bit value on the wire.
    public var rawValue: UInt16
    /// Any type value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// IPv4 address.
    public static let a = DNSRecordType(rawValue: 1)
    /// Canonical name (alias).
    public static let cname = DNSRecordType(rawValue: 5)
    /// Mail exchanger.
    public static let mx = DNSRecordType(rawValue: 15)
    /// IPv6 address.
    public static let aaaa = DNSRecordType(rawValue: 28)

    /// The mnemonic ("MX") or TYPEnnn.
    public var description: String {
        switch self {
        case .a: return "A"
        case .cname: return "CNAME"
        case .mx: return "MX"
        case .aaaa: return "AAAA"
        default: return "TYPE\(rawValue)"
        }
    }
}
