import Foundation

/// Which DNS servers to ask, and how patiently.
///
/// `system()` reads `/etc/resolv.conf` like the C library does: up to three `nameserver` lines,
/// and `options timeout:N attempts:N`. `attempts:N` means N tries per server, so it becomes
/// `retries = N - 1` here.
public struct ResolverConfiguration: Sendable, Equatable {
    /// Servers in the order they are tried.
    public var servers: [DNSServerAddress]
    /// How long one try waits for an answer.
    public var timeout: Duration
    /// How many more rounds over all servers after the first one.
    public var retries: Int

    /// The fallback when resolv.conf names no usable server, as in glibc.
    public static let defaultServer = try! DNSServerAddress(host: "127.0.0.1", port: 53)

    /// A configuration; no servers means 127.0.0.1:53, negative retries mean 0.
    public init(servers: [DNSServerAddress], timeout: Duration = .seconds(2), retries: Int = 2) {
        self.servers = servers.isEmpty ? [Self.defaultServer] : servers
        self.timeout = timeout
        self.retries = max(0, retries)
    }

    /// The configuration of `/etc/resolv.conf` (or `path`); unreadable → 127.0.0.1:53 and defaults.
    public static func system(path: String = "/etc/resolv.conf") -> ResolverConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            return ResolverConfiguration(servers: [])
        }
        return parse(resolvConf: String(decoding: data, as: UTF8.self))
    }

    /// Parses resolv.conf text. Unknown lines and addresses that do not parse (e.g. IPv6 with a
    /// `%scope`) are ignored; `timeout` is capped at 30 s and `attempts` at 5, as in glibc.
    public static func parse(resolvConf text: String) -> ResolverConfiguration {
        var servers: [DNSServerAddress] = []
        var timeout: Duration = .seconds(2)
        var retries = 2
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.trimmingSpaces()
            if line.hasPrefix("#") || line.hasPrefix(";") { continue }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let keyword = words.first else { continue }
            switch keyword {
            case "nameserver":
                guard words.count >= 2, servers.count < 3,
                      let server = try? DNSServerAddress(host: String(words[1]), port: 53) else { continue }
                servers.append(server)
            case "options":
                for option in words.dropFirst() {
                    if option.hasPrefix("timeout:"), let n = Int(option.dropFirst(8)), n >= 1 {
                        timeout = .seconds(min(n, 30))
                    } else if option.hasPrefix("attempts:"), let n = Int(option.dropFirst(9)), n >= 1 {
                        retries = min(n, 5) - 1
                    }
                }
            default:
                continue
            }
        }
        return ResolverConfiguration(servers: servers, timeout: timeout, retries: retries)
    }
}
