import Foundation

/// Which requests may go through a proxy. libcurl reads the proxy itself from the environment as
/// the curl tool does (`https_proxy`/`HTTPS_PROXY`, `http_proxy`, never `HTTP_PROXY`); these rules
/// add what the tool promises on top:
///
/// - a loopback host (every address of 127.0.0.0/8, `::1`, `localhost`) never goes through a
///   proxy, whatever `NO_PROXY` says: the emulator and an API on loopback are reached directly,
///   and the only plain-`http` APIs allowed are loopback ones, so the client secret and tokens
///   never travel in clear to a proxy;
/// - `NO_PROXY` (either case) is honoured as a list, and `*` anywhere in it means no proxy at
///   all (libcurl itself only knows `*` as the whole value).
public struct ProxyRules: Sendable, Equatable {
    /// The value for libcurl's `NOPROXY`: `*`, or loopback plus the environment's list.
    public let noProxy: String

    public init(environment: [String: String]) {
        let listed = environment["no_proxy"] ?? environment["NO_PROXY"] ?? ""
        let entries = listed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if entries.contains("*") {
            noProxy = "*"
        } else {
            noProxy = (["localhost", "127.0.0.0/8", "::1"] + entries).joined(separator: ",")
        }
    }

    /// Whether `host` (as in a URL: `[::1]` or `::1`) is a loopback host.
    public static func isLoopback(_ host: String) -> Bool {
        var h = host.lowercased()
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h == "localhost" || h.hasSuffix(".localhost") || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) && Int($0)! <= 255 }) else {
            return false
        }
        return parts[0] == "127"
    }
}
