import Foundation
import TestSupport
@testable import OnSchedEmulator

/// A running emulator on an ephemeral port for one test, with helpers speaking raw HTTP to it.
final class TestEmulator {
    /// The tests' one emulator harness (TestSupport), started on an ephemeral port.
    let harness: LoopbackEmulator
    var server: EmulatorServer { harness.server }
    var port: UInt16 { harness.port }

    init(_ configuration: EmulatorConfiguration = EmulatorConfiguration()) throws {
        var configuration = configuration
        configuration.port = 0
        harness = try LoopbackEmulator(configuration: configuration)
    }

    func client() throws -> RawHTTPClient { try RawHTTPClient(port: port) }

    /// A fresh access token for `sbox-test`.
    func token(clientId: String = "sbox-test", secret: String = "s3cret") throws -> String {
        let response = try client().request("POST", "/connect/token",
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: "client_id=\(clientId)&client_secret=\(secret)&grant_type=client_credentials&scope=OnSchedApi")
        guard let token = response.object["access_token"] as? String else {
            throw RawHTTPError(description: "no token: \(response.status) \(response.text)")
        }
        return token
    }

    /// One authorized request on a new connection.
    func call(_ method: String, _ path: String, body: String? = nil, token: String) throws -> RawResponse {
        try client().request(method, path, headers: ["Authorization": "Bearer \(token)"], body: body)
    }

    /// One unauthenticated request (admin endpoints).
    func admin(_ method: String, _ path: String, body: String? = nil) throws -> RawResponse {
        try client().request(method, path, body: body)
    }
}

/// `{"resources": [...]}` with `count` valid people numbered from `start`.
func bulkBody(_ count: Int, start: Int = 0, extra: String = "") -> String {
    let items = (start..<(start + count)).map { i in
        "{\"name\":\"Person \(i)\",\"email\":\"person\(i)@example.com\"\(extra)}"
    }
    return "{\"resources\":[\(items.joined(separator: ","))]}"
}
