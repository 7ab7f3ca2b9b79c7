
/// One mail exchanger of a domain, as the hosting check needs it.
public struct MXRecord: Sendable, Equatable, Hashable {
    /// Lower is preferred (RFC 5321 §5.1).
    public var preference: UInt16
    /// Host name of the exchanger, lowercased, without a trailing dot.
    public var exchange: String

    /// A record; `exchange` is normalized (lowercased, no trailing dot).
    public init(preference: UInt16, exchange: String) {
        self.preference = preference
        self.exchange = DNSName.normalized(exchange)
    }
}
