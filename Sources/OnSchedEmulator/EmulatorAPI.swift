import Foundation

/// The emulated API behind the HTTP server: routing, authentication, rate limit, faults and the
/// resource endpoints. Thread-safe: every connection thread calls ``handle(_:)`` directly.
final class EmulatorAPI: Sendable {
    /// What a connection does with a request.
    enum Outcome: Sendable {
        /// Send this response.
        case respond(HTTPResponse)
        /// Close the connection without answering (injected `reset` fault).
        case reset
    }

    let configuration: EmulatorConfiguration

    init(configuration: EmulatorConfiguration) throws {
        self.configuration = configuration
    }

    func handle(_ request: HTTPRequest) -> Outcome {
        .respond(.error(404, "Not found"))
    }
}
