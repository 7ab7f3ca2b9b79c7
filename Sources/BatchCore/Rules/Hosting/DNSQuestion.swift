
/// One entry of a DNS question section: the name asked about, QTYPE and QCLASS.
public struct DNSQuestion: Sendable, Equatable {
    /// The name as dot-separated labels, without a trailing dot (the root is "").
    public var name: String
    /// QTYPE.
    public var type: DNSRecordType
    /// QCLASS; 1 is IN.
    public var recordClass: UInt16

    /// A question, class IN unless told.
    public init(name: String, type: DNSRecordType, recordClass: UInt16 = DNSResourceRecord.classIN) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
    }

    /// Whether `other` asks the same thing, comparing names case-insensitively (RFC 4343).
    public func matches(_ other: DNSQuestion) -> Bool {
        type == other.type && recordClass == other.recordClass
            && DNSName.normalized(name) == DNSName.normalized(other.name)
    }
}
