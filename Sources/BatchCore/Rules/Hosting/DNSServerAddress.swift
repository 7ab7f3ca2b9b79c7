import Glibc

/// The address of a DNS server: an IPv4 or IPv6 literal and a port.
///
/// Parsed from the `--dns-server IP[:PORT]` option and from `nameserver` lines. Host names are
/// not accepted: resolving the resolver would need a resolver.
public struct DNSServerAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family of `host`.
    public enum Family: Sendable, Hashable { case ipv4, ipv6 }

    /// The IP literal as given (IPv6 without brackets).
    public let host: String
    /// UDP/TCP port, 53 unless given.
    public let port: UInt16
    /// IPv4 or IPv6.
    public let family: Family

    /// An address from an IP literal and a port; throws when `host` is not an IP literal.
    public init(host: String, port: UInt16 = 53) throws(DNSError) {
        if Self.isIPv4(host) {
            family = .ipv4
        } else if Self.isIPv6(host) {
            family = .ipv6
        } else {
            throw .invalidServerAddress(host, reason: "not an IPv4 or IPv6 address")
        }
        guard port != 0 else { throw .invalidServerAddress(host, reason: "port 0") }
        self.host = host
        self.port = port
    }

    /// Parses `IP`, `IP:PORT`, `IPv6`, or `[IPv6]:PORT`; the port defaults to 53.
    public init(parsing text: String) throws(DNSError) {
        let t = text.trimmingSpaces()
        guard !t.isEmpty else { throw .invalidServerAddress(text, reason: "empty") }
        var host = t
        var portText: Substring?
        if t.hasPrefix("[") {
            guard let close = t.firstIndex(of: "]") else { throw .invalidServerAddress(text, reason: "missing ]") }
            host = t[t.index(after: t.startIndex)..<close]
            let rest = t[t.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw .invalidServerAddress(text, reason: "expected :PORT after ]") }
                portText = rest.dropFirst()
            }
        } else if t.filter({ $0 == ":" }).count == 1, let colon = t.firstIndex(of: ":") {
            host = t[..<colon]
            portText = t[t.index(after: colon)...]
        }
        var port: UInt16 = 53
        if let portText {
            guard let p = UInt16(portText), p > 0 else {
                throw .invalidServerAddress(text, reason: "port \"\(portText)\" is not a number from 1 to 65535")
            }
            port = p
        }
        do {
            try self.init(host: String(host), port: port)
        } catch {
            throw .invalidServerAddress(text, reason: "\"\(host)\" is not an IPv4 or IPv6 address")
        }
    }

    /// `127.0.0.1:53` or `[::1]:53`.
    public var description: String {
        family == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Whether the host is in 127.0.0.0/8 or is ::1.
    public var isLoopback: Bool {
        family == .ipv4 ? host.hasPrefix("127.") : host == "::1"
    }

    static func isIPv4(_ s: String) -> Bool {
        var addr = in_addr()
        return inet_pton(AF_INET, s, &addr) == 1
    }

    static func isIPv6(_ s: String) -> Bool {
        var addr = in6_addr()
        return inet_pton(AF_INET6, s, &addr) == 1
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    func trimmingSpaces() -> Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return s
    }
}
