/// A DNS TYPE / QTYPE value (RFC 1035 §3.2.2). A struct rather than an enum so that any value
/// seen on the wire can be represented.
public struct DNSRecordType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = DNSRecordType(rawValue: 1)
    public static let cname = DNSRecordType(rawValue: 5)
    public static let mx = DNSRecordType(rawValue: 15)
    public static let aaaa = DNSRecordType(rawValue: 28)

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
