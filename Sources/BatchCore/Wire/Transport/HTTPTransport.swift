
/// Sends one HTTP request and returns the whole response.
///
/// The seam between the OnSched client and the network: `URLSessionTransport` in the tool,
/// scripted fakes in tests. A transport answers every HTTP status (4xx and 5xx included) as an
/// `HTTPResponse`, and throws a `TransportError` only when no response arrived, saying whether the
/// request may have reached the server, which decides if a create can be re-sent safely.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
