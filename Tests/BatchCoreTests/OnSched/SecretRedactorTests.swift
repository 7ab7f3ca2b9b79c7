import Foundation
import Testing
@testable import BatchCore
@testable import BatchWire

/// `SecretRedactor`: every encoding of a secret a server or an encoder may produce.
@Suite struct SecretRedactorTests {
    static let secret = "s3cr et/\u{FC}+x"
    let redactor = SecretRedactor([Self.secret, "tok123456"])

    @Test(arguments: [
        "s3cr et/\u{FC}+x",                    // raw
        "s3cr%20et%2F%C3%BC%2Bx",              // percent-encoded, upper-case hex
        "s3cr%20et%2f%c3%bc%2bx",              // lower-case hex
        "s3cr+et%2F%C3%BC%2Bx",                // form-encoded: + for the space
        "%73%33%63%72%20%65%74%2F%C3%BC%2B%78", // every byte encoded
        "s3cr et\\/\u{FC}+x",                  // JSON-escaped slash
        "s3cr\\u0020et/\u{FC}\\u002bx",        // JSON \u00XX escapes
    ])
    func everyEncodingIsRedacted(_ encoded: String) {
        let text = "before \(encoded) after"
        #expect(redactor.redact(text) == "before <redacted> after")
    }

    @Test func tokensAndTextAroundThem() {
        #expect(redactor.redact("Bearer tok123456, again tok123456.") == "Bearer <redacted>, again <redacted>.")
        #expect(redactor.redact("nothing secret here") == "nothing secret here")
        #expect(redactor.redact("s3cr et/\u{FC}+") == "s3cr et/\u{FC}+", "a prefix is not the secret")
        #expect(SecretRedactor().redact("tok123456") == "tok123456")
    }

    /// The client redacts its secret and every token it was issued from the errors it throws.
    @Test func theClientsErrorsCarryNeitherItsSecretNorItsTokens() async throws {
        let transport = ScriptedHTTPTransport { request, _ in
            if request.url.path.hasSuffix("/connect/token") {
                return .json(#"{"access_token":"issued-token-0123456789","expires_in":3600}"#)
            }
            let auth = request.headers["Authorization"] ?? ""
            return .json(#"{"message":"refused \#(auth) for client_secret=cl%c3%bcent+s%2fecret"}"#, status: 400)
        }
        let clock = FakeClock()
        let client = OnSchedClient(
            endpoint: try OnSchedEndpoint(apiURL: URL(string: "https://api.example.com")!,
                                          tokenURL: URL(string: "https://id.example.com/connect/token")!),
            credentials: ClientCredentials(id: "sbox-1", secret: "cl\u{FC}ent s/ecret"), transport: transport,
            rateLimiter: RateLimiter(rate: 1_000, burst: 100, clock: clock), retryPolicy: RetryPolicy(maxRetries: 0), clock: clock)
        let error = try await #require(throws: OnSchedError.self) { try await client.getResource(id: "1") }
        #expect(error.message == "refused Bearer <redacted> for client_secret=<redacted>")
    }
}
