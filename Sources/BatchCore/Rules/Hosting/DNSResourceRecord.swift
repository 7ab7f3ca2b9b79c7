
/// A resource record of an answer, authority or additional section.
///
/// Only the RDATA this tool needs is decoded (MX, CNAME, A); everything else is kept as bytes.
public struct DNSResourceRecord: Sendable, Equatable {
    /// The class IN.
    public static let classIN: UInt16 = 1

    /// Decoded RDATA.
    public enum RecordData: Sendable, Equatable {
        /// MX: preference (lower is preferred) and the mail exchanger's name.
        case mx(preference: UInt16, exchange: String)
        /// CNAME: the canonical name.
        case cname(String)
        /// A: an IPv4 address.
        case a(UInt8, UInt8, UInt8, UInt8)
        /// Any other type, undecoded.
        case other([UInt8])
    }

    /// Owner name, without a trailing dot.
    public var name: String
    /// TYPE.
    public var type: DNSRecordType
    /// CLASS; 1 is IN.
    public var recordClass: UInt16
    /// Seconds the record may be cached.
    public var ttl: UInt32
    /// The decoded RDATA.
    public var data: RecordData

    /// A record from its fields.
    public init(name: String, type: DNSRecordType, recordClass: UInt16 = DNSResourceRecord.classIN,
                ttl: UInt32 = 0, data: RecordData) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
        self.ttl = ttl
        self.data = data
    }
}
