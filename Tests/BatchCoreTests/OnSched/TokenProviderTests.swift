import Foundation
import Testing
@testable import BatchCore
@testable import BatchWire

@Suite struct TokenProviderTests {
    static let tokenURL = URL(string: "https://id.example.com/connect/token")!
    static let credentials = ClientCredentials(id: "sbox-client", secret: "p&ss=wo+rd%/secret")

    /// A token endpoint issuing `tok1`, `tok2`, … with the given lifetime.
    private func issuer(expiresIn: String = "3600") -> ScriptedHTTPTransport {
        ScriptedHTTPTransport { _, index in
            .json(#"{"access_token":"tok\#(index + 1)","token_type":"Bearer","expires_in":\#(expiresIn)}"#)
        }
    }

    @Test func sendsAProperlyEncodedClientCredentialsForm() async throws {
        let transport = issuer()
        let provider = TokenProvider(tokenURL: Self.tokenURL, credentials: Self.credentials, transport: transport, clock: FakeClock())
        _ = try await provider.token()
        let request = try #require(transport.requests.first)
        #expect(request.method == .post)
        #expect(request.url == Self.tokenURL)
        #expect(request.header("content-type") == "application/x-www-form-urlencoded")
        let form = String(decoding: request.body ?? Data(), as: UTF8.self)
        #expect(form == "client_id=sbox-client&client_secret=p%26ss%3Dwo%2Brd%25%2Fsecret&grant_type=client_credentials&scope=OnSchedApi")
        #expect(request.header("Authorization") == nil)
    }

    @Test func cachesAndRefreshesAheadOfExpiry() async throws {
        let clock = FakeClock()
        let transport = issuer(expiresIn: "3600")
        let provider = TokenProvider(tokenURL: Self.tokenURL, credentials: Self.credentials, transport: transport, clock: clock)
        #expect(try await provider.token() == "tok1")
        clock.advance(by: 3539)
        #expect(try await provider.token() == "tok1")
        #expect(await provider.fetchCount == 1)
        clock.advance(by: 1)  // 60 s before expiry
        #expect(try await provider.token() == "tok2")
        #expect(await provider.fetchCount == 2)
    }

    @Test func missingOrOddExpiresInFallsBackToAnHour() async throws {
        let clock = FakeClock()
        let transport = ScriptedHTTPTransport { _, i in .json(#"{"access_token":"t\#(i)","expires_in":"soon"}"#) }
        let provider = TokenProvider(tokenURL: Self.tokenURL, credentials: Self.credentials, transport: transport, clock: clock)
        _ = try await provider.token()
        clock.advance(by: 3500)
        _ = try await provider.token()
        #expect(await provider.fetchCount == 1)
    }

    @Test func concurrentCallersShareOneFetch() async throws {
        let clock = FakeClock()
        // The endpoint answers only when the clock reaches 1; every caller must have joined the
        // one fetch in flight before it answers.
        let transport = ScriptedHTTPTransport { _, i in
            try await clock.sleep(until: 1)
            return .json(#"{"access_token":"shared\#(i)","expires_in":30}"#)
        }
        let provider = TokenProvider(tokenURL: Self.tokenURL, credentials: Self.credentials, transport: transport, clock: clock)
        let results = TestLog<String>()
        for _ in 0..<5 {
            Task { results.append(try await provider.token()) }
        }
        await yieldUntil("four callers joined the fetch") { await provider.joinedFetches == 4 && clock.sleepers == 1 }
        clock.advance(by: 1)
        await yieldUntil("all answered") { results.all.count == 5 }
        #expect(Set(results.all) == ["shared0"])
        #expect(await provider.fetchCount == 1)
    }

    @Test func aShortLivedTokenIsReusedForHalfItsLifetime() async throws {
        let clock = FakeClock()
        let transport = issuer(expiresIn: "30")
        let provider = TokenProvider(tokenURL: Self.tokenURL, credentials: Self.credentials, transport: transport, clock: clock)
        #expect(try await provider.token() == "tok1")
        clock.advance(by: 14.9)
        #expect(try await provider.token() == "tok1")
        clock.advance(by: 0.1)
        #expect(try await provider.token() == "tok2")
    }

    @Test func invalidateDropsOnlyThatToken() async throws {
        let transport = issuer()
        let provider = TokenProvider(tokenURL: Self.tokenURL, credentials: Self.credentials, transport: transport, clock: FakeClock())
        #expect(try await provider.token() == "tok1")
        await provider.invalidate("tok1")
        #expect(try await provider.token() == "tok2")
        // A second worker reporting the same stale token does not cause another fetch.
        await provider.invalidate("tok1")
        #expect(try await provider.token() == "tok2")
        #expect(await provider.fetchCount == 2)
    }

    @Test func aRefusedGrantIsUnauthorizedWithoutTheSecret() async throws {
        let secret = Self.credentials.secret
        let transport = ScriptedHTTPTransport { _, _ in
            .json(#"{"error":"invalid_client","error_description":"bad secret \#(secret) for sbox-client"}"#, status: 400)
        }
        let provider = TokenProvider(tokenURL: Self.tokenURL, credentials: Self.credentials, transport: transport, clock: FakeClock())
        let error = try await #require(throws: OnSchedError.self) { try await provider.token() }
        #expect(error.kind == .unauthorized)
        #expect(!error.isRetryable)
        #expect(error.description.contains("invalid_client"))
        #expect(!error.description.contains(secret))
        #expect(!error.description.contains("p&ss"))
        #expect(!"\(provider)".contains(secret))
    }

    @Test func otherTokenEndpointFailures() async throws {
        let down = ScriptedHTTPTransport { _, _ in throw TransportError(.notConnected, "could not connect") }
        let p1 = TokenProvider(tokenURL: Self.tokenURL, credentials: Self.credentials, transport: down, clock: FakeClock())
        let e1 = try await #require(throws: OnSchedError.self) { try await p1.token() }
        #expect(e1.kind == .transport && e1.isRetryable)

        let busy = ScriptedHTTPTransport { _, _ in HTTPResponse(status: 503) }
        let p2 = TokenProvider(tokenURL: Self.tokenURL, credentials: Self.credentials, transport: busy, clock: FakeClock())
        let e2 = try await #require(throws: OnSchedError.self) { try await p2.token() }
        #expect(e2.kind == .http && e2.status == 503 && e2.isRetryable)

        let odd = ScriptedHTTPTransport { _, _ in .json(#"{"token":"x"}"#) }
        let p3 = TokenProvider(tokenURL: Self.tokenURL, credentials: Self.credentials, transport: odd, clock: FakeClock())
        let e3 = try await #require(throws: OnSchedError.self) { try await p3.token() }
        #expect(e3.kind == .invalidResponse)
        // A failed fetch is not cached: the next call tries again.
        _ = try? await p3.token()
        #expect(await p3.fetchCount == 2)
    }
}
