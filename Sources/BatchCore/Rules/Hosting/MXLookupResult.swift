
/// What an MX lookup found, separating the answers that prove something about a domain from a
/// failure (which is thrown instead).
public enum MXLookupResult: Sendable, Equatable {
    /// The domain's mail exchangers, sorted by preference (then by name, for a stable order).
    case records([MXRecord])
    /// The domain exists but has no MX records (NOERROR with no data, or only a null MX,
    /// RFC 7505): it receives no mail.
    case noRecords
    /// The domain does not exist.
    case nxdomain
}
