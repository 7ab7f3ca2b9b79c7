
/// A request that got no HTTP response, classified by whether it may have reached the server.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, from the point of view of "could the server have acted on it?".
    public enum Kind: String, Sendable, Hashable {
        /// No connection was made (refused, host not found, TLS handshake failed): nothing was sent.
        case notConnected
        /// The request timed out; it may have been sent and processed.
        case timedOut
        /// The connection broke after it was made (reset, closed, garbled reply): it may have been processed.
        case connectionLost
        /// The server's TLS certificate is not trusted (unknown CA, another host's name, expired):
        /// nothing was sent, and trying again cannot help.
        case untrusted
    }

    public var kind: Kind
    /// A short human description, never containing headers or bodies.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Whether the server may have received (and acted on) the request.
    public var mayHaveBeenSent: Bool { kind != .notConnected && kind != .untrusted }

    public var description: String { message }
}
