
/// Why one attempt of an API request failed: the input of `RetryPolicy.decision`.
public enum RequestFailure: Sendable, Hashable {
    /// The server answered with a non-2xx status. `retryAfter` is the parsed `Retry-After`
    /// header in seconds, if the server sent a usable one.
    case status(Int, retryAfter: Double?)
    /// No answer within the request time-out; the request may have been processed.
    case timedOut
    /// No connection could be made; nothing reached the server.
    case notConnected
    /// The connection broke after it was made; the request may have been processed.
    case connectionLost

    /// Builds the failure matching a transport error.
    public init(_ error: TransportError) {
        switch error.kind {
        case .notConnected, .untrusted: self = .notConnected
        case .timedOut: self = .timedOut
        case .connectionLost: self = .connectionLost
        }
    }

    /// Whether a non-idempotent request (a create) may have been applied by the server although
    /// the attempt failed. Only failures proven harmless are `false`:
    ///
    /// - no connection was made (`notConnected`);
    /// - 401: authentication is checked before the request is processed;
    /// - 408: the server gave up waiting for the request to arrive in full (RFC 9110 §15.5.9);
    /// - 429: a rate limiter rejects before the request is processed;
    /// - any other 4xx: the request was refused (onsched-api.md: a 400 bulk call is assumed
    ///   to have applied nothing).
    ///
    /// Time-outs, broken connections and every 5xx (even 503, which a proxy may send after the
    /// application committed) are ambiguous: `true`.
    public var mayHaveBeenApplied: Bool {
        switch self {
        case .notConnected: false
        case .timedOut, .connectionLost: true
        case .status(let code, _): code >= 500
        }
    }
}
