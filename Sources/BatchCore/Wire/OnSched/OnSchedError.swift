
/// A failed OnSched call, as the import job and the user need to see it.
///
/// An opaque struct with static constructors (like async-http-client's errors) so cases can be
/// added without breaking `switch`es; match on `kind`. Messages never contain the client secret,
/// a token or an `Authorization` header.
public struct OnSchedError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The family of the failure.
    public enum Kind: String, Sendable, Hashable {
        /// The API answered with an error status (see `status`).
        case http
        /// The credentials were rejected (token endpoint refused them, or a fresh token got a 401).
        case unauthorized
        /// No answer: connection refused or broken, time-out.
        case transport
        /// A 2xx answer that could not be understood, or a server breaking the protocol.
        case invalidResponse
        /// A plain `http://` URL to a non-loopback host, or an unusable URL.
        case insecureURL
        /// A setting that cannot work (unknown environment name, …).
        case invalidConfiguration
        /// The server's TLS certificate is not trusted: nothing was sent, retrying cannot help.
        case untrustedCertificate
    }

    public let kind: Kind
    /// The HTTP status for `.http` (and for `.unauthorized` when it came from a status).
    public let status: Int?
    /// One readable line. `OnSchedClient` redacts its secrets from it (`SecretRegistry`): a
    /// server may echo the token or the secret back in its error body.
    public let message: String
    /// True when a non-idempotent request (a create) may have been applied although it failed:
    /// the caller must look it up (by e-mail) before sending it again.
    public let mayHaveBeenApplied: Bool

    public init(kind: Kind, status: Int? = nil, message: String, mayHaveBeenApplied: Bool = false) {
        self.kind = kind
        self.status = status
        self.message = message
        self.mayHaveBeenApplied = mayHaveBeenApplied
    }

    public static func http(status: Int, message: String) -> OnSchedError {
        OnSchedError(kind: .http, status: status, message: message)
    }
    public static func unauthorized(_ message: String) -> OnSchedError {
        OnSchedError(kind: .unauthorized, message: message)
    }
    public static func transport(_ message: String) -> OnSchedError {
        OnSchedError(kind: .transport, message: message)
    }
    public static func invalidResponse(_ message: String) -> OnSchedError {
        OnSchedError(kind: .invalidResponse, message: message)
    }
    public static func insecureURL(_ message: String) -> OnSchedError {
        OnSchedError(kind: .insecureURL, message: message)
    }
    public static func invalidConfiguration(_ message: String) -> OnSchedError {
        OnSchedError(kind: .invalidConfiguration, message: message)
    }

    /// A 3xx answer to `what` ("GET /setup/v1/resources", "the token endpoint"): never followed,
    /// since the bearer token or the client secret would go along to wherever it points. Names
    /// the `Location` (without its query, which may carry anything) so the user can fix the URL.
    public static func redirected(_ what: String, status: Int, location: String?, mayHaveBeenApplied: Bool = false) -> OnSchedError {
        let target = location.map { "to \(shownLocation($0))" } ?? "without a Location"
        return OnSchedError(
            kind: .invalidResponse, status: status,
            message: "\(what) was redirected (HTTP \(status)) \(target); redirects are not followed, as the credentials "
                + "would go along: check the API and token URLs",
            mayHaveBeenApplied: mayHaveBeenApplied)
    }

    /// A `Location` for a message: printable characters only, no query or fragment, at most 200.
    static func shownLocation(_ location: String) -> String {
        var text = String(location.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = String(text[..<cut]) + " (query left out)" }
        if text.count > 200 { text = String(text.prefix(200)) + "…" }
        return text.isEmpty ? "an empty Location" : text
    }

    /// The same error with `secrets` redacted from its message.
    public func redacting(_ secrets: SecretRegistry) -> OnSchedError {
        OnSchedError(kind: kind, status: status, message: secrets.redact(message), mayHaveBeenApplied: mayHaveBeenApplied)
    }

    /// The same error, marked as possibly applied (or not).
    public func markingMayHaveBeenApplied(_ value: Bool = true) -> OnSchedError {
        OnSchedError(kind: kind, status: status, message: message, mayHaveBeenApplied: value)
    }

    /// Whether trying again later can succeed: transport failures and 408, 429, 500, 502, 503, 504.
    /// A retryable error that `mayHaveBeenApplied` must still be looked up before a create is re-sent.
    public var isRetryable: Bool {
        switch kind {
        case .transport: true
        case .http: status.map { RetryPolicy.retryableStatuses.contains($0) } ?? false
        case .unauthorized, .invalidResponse, .insecureURL, .invalidConfiguration, .untrustedCertificate: false
        }
    }

    public var description: String {
        let text: String
        switch kind {
        case .http: text = "HTTP \(status ?? 0): \(message)"
        case .unauthorized: text = "credentials rejected: \(message)"
        case .transport: text = "connection failed: \(message)"
        case .invalidResponse: text = "unexpected answer from OnSched: \(message)"
        case .insecureURL: text = "refused URL: \(message)"
        case .invalidConfiguration: text = "invalid configuration: \(message)"
        case .untrustedCertificate: text = message
        }
        return mayHaveBeenApplied
            ? text + " (the request may have been applied; look it up before sending it again)"
            : text
    }
}
