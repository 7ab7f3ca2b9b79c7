
/// What the hosting check concluded about one e-mail domain, with the evidence.
///
/// The cases keep apart what is proven (a provider by list, table or MX; hosted elsewhere; no
/// mail; no such domain) from what is not known (the lookup failed), because the validator
/// treats them differently: only proof may make a row invalid.
public enum HostingVerdict: Sendable, Equatable {
    /// A consumer mail domain of the provider, from the built-in list (gmail.com, hotmail.fr, …).
    case consumerDomain(domain: String, provider: HostingProvider)
    /// The domain's most preferred MX belongs to `provider`. `consumerInfrastructure` is true
    /// for the provider's consumer mail servers (gmail-smtp-in.l.google.com,
    /// *.olc.protection.outlook.com) rather than Google Workspace / Microsoft 365 ones.
    case hostedByProvider(domain: String, provider: HostingProvider, mx: String, consumerInfrastructure: Bool)
    /// The domain has MX records and the most preferred ones are neither Google's nor
    /// Microsoft's; `mx` lists all MX hosts, most preferred first.
    case hostedElsewhere(domain: String, mx: [String])
    /// The domain exists but has no MX records: it receives no mail.
    case noMail(domain: String)
    /// The domain does not exist (NXDOMAIN).
    case nxdomain(domain: String)
    /// The lookup failed (timeout, SERVFAIL, …); `reason` says how, e.g.
    /// "DNS server 127.0.0.1:53 timed out". Nothing is known about the domain.
    case lookupFailed(domain: String, reason: String)
    /// The `--domain-hosting` table says who hosts the domain; DNS was not asked.
    case fromTable(domain: String, provider: HostingProvider)

    /// The domain the verdict is about.
    public var domain: String {
        switch self {
        case let .consumerDomain(domain, _), let .hostedByProvider(domain, _, _, _),
             let .hostedElsewhere(domain, _), let .noMail(domain), let .nxdomain(domain),
             let .lookupFailed(domain, _), let .fromTable(domain, _):
            return domain
        }
    }

    /// Who hosts the domain's mail. `.other` when it is proven to be neither Google nor Microsoft
    /// (hosted elsewhere, no mail, no such domain); nil only when the lookup failed.
    public var provider: HostingProvider? {
        switch self {
        case let .consumerDomain(_, provider), let .hostedByProvider(_, provider, _, _), let .fromTable(_, provider):
            return provider
        case .hostedElsewhere, .noMail, .nxdomain:
            return .other
        case .lookupFailed:
            return nil
        }
    }

    /// One sentence for a row message, e.g. "acme.com is hosted by Google (MX aspmx.l.google.com)".
    public var explanation: String {
        switch self {
        case let .consumerDomain(domain, provider):
            let service = provider == .google ? "Gmail" : provider == .microsoft ? "Outlook.com" : "consumer"
            return "\(domain) is a consumer \(provider.displayName) domain (\(service))"
        case let .hostedByProvider(domain, provider, mx, consumer):
            let kind = consumer ? (provider == .google ? " consumer Gmail" : provider == .microsoft ? " consumer Outlook.com" : "") : ""
            return "\(domain) is hosted by \(provider.displayName)\(kind) (MX \(mx))"
        case let .hostedElsewhere(domain, mx):
            // A row message stays readable for domains with dozens of MX records.
            let shown = mx.count > 3 ? mx.prefix(3).joined(separator: ", ") + ", … (\(mx.count) in all)" : mx.joined(separator: ", ")
            return "\(domain) is hosted by neither Google nor Microsoft (MX \(shown))"
        case let .noMail(domain):
            return "\(domain) has no mail servers (no MX records)"
        case let .nxdomain(domain):
            return "\(domain) does not exist (NXDOMAIN)"
        case let .lookupFailed(domain, reason):
            return "lookup of \(domain) failed: \(reason)"
        case let .fromTable(domain, provider):
            return "\(domain) is hosted by \(provider.displayName) (per the domain hosting table)"
        }
    }
}
