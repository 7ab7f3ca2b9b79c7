import Foundation

/// Where the API and its token endpoint are.
///
/// Refuses a plain `http://` URL unless its host is loopback (127.0.0.0/8, `::1`, `localhost`):
/// the client secret and the bearer tokens only travel over TLS, or never leave the machine.
public struct OnSchedEndpoint: Sendable, Hashable {
    /// The API base, e.g. `https://sandbox-api.onsched.com` (paths like `/setup/v1/resources` are appended).
    public let apiURL: URL
    /// The OAuth token endpoint, e.g. `https://sandbox-identity.onsched.com/connect/token`.
    public let tokenURL: URL

    /// Checks both URLs; throws `OnSchedError` (`.insecureURL`) for a non-loopback `http://`
    /// URL, another scheme, or a URL without a host.
    public init(apiURL: URL, tokenURL: URL) throws {
        try Self.check(apiURL, role: "API URL")
        try Self.check(tokenURL, role: "token URL")
        self.apiURL = apiURL
        self.tokenURL = tokenURL
    }

    /// OnSched's hosted sandbox (onsched-api.md, "Hosts").
    public static let sandbox = try! OnSchedEndpoint(
        apiURL: URL(string: "https://sandbox-api.onsched.com")!,
        tokenURL: URL(string: "https://sandbox-identity.onsched.com/connect/token")!)

    /// OnSched's production hosts (onsched-api.md, "Hosts").
    public static let production = try! OnSchedEndpoint(
        apiURL: URL(string: "https://api.onsched.com")!,
        tokenURL: URL(string: "https://identity.onsched.com/connect/token")!)

    /// The hosts of `--env sandbox|production` (case-insensitive); throws
    /// `OnSchedError.invalidConfiguration` for another name.
    public static func environment(_ name: String) throws -> OnSchedEndpoint {
        switch name.lowercased() {
        case "sandbox": return .sandbox
        case "production": return .production
        default:
            throw OnSchedError.invalidConfiguration(
                "unknown environment \"\(name)\"; use sandbox or production")
        }
    }

    /// Whether `host` is the local machine: `localhost`, an IPv4 address in 127.0.0.0/8, or `::1`.
    public static func isLoopback(host: String) -> Bool {
        var h = host.lowercased()
        if h.hasPrefix("[") && h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h.hasSuffix(".") { h = String(h.dropLast()) }
        if h == "localhost" || h.hasSuffix(".localhost") { return h == "localhost" }
        if h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let octets = h.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4,
            octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let values = Optional(octets.compactMap { Int($0) }), values.count == 4,
            values.allSatisfy({ (0...255).contains($0) })
        else { return false }
        return values[0] == 127
    }

    private static func check(_ url: URL, role: String) throws {
        let shown = redacted(url)
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: true),
            let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw OnSchedError.insecureURL("the \(role) \(shown) is not an absolute http(s) URL")
        }
        switch scheme {
        case "https":
            return
        case "http":
            if isLoopback(host: host) { return }
            throw OnSchedError.insecureURL(
                "the \(role) \(shown) uses plain http to a host that is not loopback; "
                    + "credentials and tokens only travel over https (http is allowed for 127.0.0.1, ::1 and localhost)")
        default:
            throw OnSchedError.insecureURL("the \(role) \(shown) must use https")
        }
    }

    /// The URL without user info, so a password written into a URL is never echoed.
    static func redacted(_ url: URL) -> String {
        guard var c = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return "(invalid URL)" }
        if c.user != nil || c.password != nil {
            c.user = nil
            c.password = nil
        }
        return c.string ?? "(invalid URL)"
    }
}
