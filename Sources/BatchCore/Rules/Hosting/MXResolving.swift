
/// Anything that can look up a domain's MX records. `DNSClient` is the real one; tests use
/// fakes, which is why `HostingClassifier` depends on this protocol and not on the client.
public protocol MXResolving: Sendable {
    /// Looks up the MX records of `domain`. Throws (normally a `DNSError.lookupFailed`) when no
    /// server gave a usable answer.
    func lookupMX(_ domain: String) async throws -> MXLookupResult
}
