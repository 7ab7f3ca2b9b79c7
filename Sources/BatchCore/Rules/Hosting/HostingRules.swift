
/// The fixed knowledge of the hosting check: consumer mail domains and the MX host names of
/// Google and Microsoft (onsched-api.md, "Telling who hosts an e-mail domain").
///
/// MX rules are exact names or specific suffixes, never a broad `google.com` /
/// `outlook.com` suffix, because consumer Gmail (`gmail-smtp-in.l.google.com`) and consumer
/// Outlook.com (`*.olc.protection.outlook.com`) live under the same parents as the business
/// services. All inputs are compared lowercased without a trailing dot.
public enum HostingRules {
    /// How an MX host name classifies.
    public struct MXClass: Sendable, Equatable {
        /// Google or Microsoft.
        public var provider: HostingProvider
        /// True for the provider's consumer mail servers.
        public var consumerInfrastructure: Bool
    }

    /// Google's consumer domains.
    public static let googleConsumerDomains: Set<String> = ["gmail.com", "googlemail.com"]

    /// Microsoft's consumer domains that have no country pattern.
    public static let microsoftConsumerDomains: Set<String> = [
        "outlook.com", "hotmail.com", "live.com", "msn.com", "passport.com", "windowslive.com",
    ]

    /// First labels of Microsoft's country variants (hotmail.co.uk, live.fr, outlook.de, …).
    public static let microsoftCountryVariantLabels: Set<String> = ["hotmail", "live", "outlook"]

    /// Second-level labels accepted before a country code in a variant (hotmail.co.uk, live.com.au).
    static let countrySecondLevels: Set<String> = ["co", "com"]

    /// Country codes sold as generic names (live.tv, outlook.io); a bare `<label>.<code>` with one
    /// of these is left to DNS rather than assumed to be Microsoft's.
    static let vanityCountryCodes: Set<String> = ["ai", "am", "cc", "co", "fm", "gg", "io", "ly", "me", "to", "tv", "ws"]

    /// The provider whose consumer domain `domain` is, if it is one.
    ///
    /// Microsoft's country variants are matched by pattern rather than by a list that would go
    /// stale: the first label is `hotmail`, `live` or `outlook` and the rest is a two-letter
    /// country code, optionally after `co.` or `com.` (hotmail.fr, hotmail.co.uk, live.com.au,
    /// outlook.de), except bare vanity codes such as live.tv or outlook.io. Anything else
    /// (hotmail.example.org, live.shop, live.tv) is not a consumer domain and
    /// goes to DNS, where Outlook.com's consumer MX (`*.olc.protection.outlook.com`) still
    /// identifies a real variant the pattern misses.
    public static func consumerProvider(of domain: String) -> HostingProvider? {
        let d = DNSName.normalized(domain)
        if googleConsumerDomains.contains(d) { return .google }
        if microsoftConsumerDomains.contains(d) { return .microsoft }
        let labels = d.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count == 2 || labels.count == 3,
              microsoftCountryVariantLabels.contains(String(labels[0])),
              isCountryCode(labels[labels.count - 1]) else { return nil }
        if labels.count == 3 && !countrySecondLevels.contains(String(labels[1])) { return nil }
        if labels.count == 2 && vanityCountryCodes.contains(String(labels[1])) { return nil }
        return .microsoft
    }

    /// How one MX host classifies; nil when it is neither Google's nor Microsoft's.
    public static func classify(mxHost: String) -> MXClass? {
        let h = DNSName.normalized(mxHost)
        // Google Workspace, current and legacy names.
        if h == "aspmx.l.google.com" || h == "smtp.google.com" { return MXClass(provider: .google, consumerInfrastructure: false) }
        if let n = altNumber(h, base: "aspmx.l.google.com"), (1...4).contains(n) {
            return MXClass(provider: .google, consumerInfrastructure: false)
        }
        if let n = numberedHost(h, prefix: "aspmx", suffix: ".googlemail.com"), (2...5).contains(n) {
            return MXClass(provider: .google, consumerInfrastructure: false)
        }
        // Consumer Gmail.
        if h == "gmail-smtp-in.l.google.com" { return MXClass(provider: .google, consumerInfrastructure: true) }
        if let n = altNumber(h, base: "gmail-smtp-in.l.google.com"), (1...4).contains(n) {
            return MXClass(provider: .google, consumerInfrastructure: true)
        }
        // Microsoft 365 (one label before the suffix) and consumer Outlook.com.
        if hasSingleLabel(h, before: ".mail.protection.outlook.com") || hasSingleLabel(h, before: ".mail.eo.outlook.com") {
            return MXClass(provider: .microsoft, consumerInfrastructure: false)
        }
        if hasSingleLabel(h, before: ".olc.protection.outlook.com") {
            return MXClass(provider: .microsoft, consumerInfrastructure: true)
        }
        // Microsoft 365's newer <domain>.<id>.mx.microsoft (any non-empty labels before).
        if h.hasSuffix(".mx.microsoft"), h.count > ".mx.microsoft".count,
           !h.dropLast(".mx.microsoft".count).split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            return MXClass(provider: .microsoft, consumerInfrastructure: false)
        }
        return nil
    }

    /// The verdict for a domain's MX records.
    ///
    /// The most preferred MX decides, because that is where mail is delivered; a backup MX at a
    /// higher preference value does not receive it. Among the records with the lowest preference
    /// value (in name order), the first one that is Google's or Microsoft's wins; if none of them
    /// is, the domain is hosted elsewhere, even if a backup MX is Google's or Microsoft's.
    public static func verdict(domain: String, mx records: [MXRecord]) -> HostingVerdict {
        let sorted = records.sorted { ($0.preference, $0.exchange) < ($1.preference, $1.exchange) }
        guard let best = sorted.first?.preference else { return .noMail(domain: domain) }
        for record in sorted where record.preference == best {
            if let mxClass = classify(mxHost: record.exchange) {
                return .hostedByProvider(domain: domain, provider: mxClass.provider, mx: record.exchange,
                                         consumerInfrastructure: mxClass.consumerInfrastructure)
            }
        }
        return .hostedElsewhere(domain: domain, mx: sorted.map(\.exchange))
    }

    private static func isCountryCode(_ label: Substring) -> Bool {
        label.utf8.count == 2 && label.utf8.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
    }

    /// N for "altN.<base>".
    private static func altNumber(_ host: String, base: String) -> Int? {
        guard host.hasSuffix("." + base) else { return nil }
        let first = host.dropLast(base.count + 1)
        guard first.hasPrefix("alt") else { return nil }
        return Int(first.dropFirst(3))
    }

    /// N for "<prefix>N<suffix>".
    private static func numberedHost(_ host: String, prefix: String, suffix: String) -> Int? {
        guard host.hasPrefix(prefix), host.hasSuffix(suffix), host.count > prefix.count + suffix.count else { return nil }
        let digits = host.dropFirst(prefix.count).dropLast(suffix.count)
        guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(digits)
    }

    private static func hasSingleLabel(_ host: String, before suffix: String) -> Bool {
        guard host.hasSuffix(suffix) else { return false }
        let label = host.dropLast(suffix.count)
        return !label.isEmpty && !label.contains(".")
    }
}
