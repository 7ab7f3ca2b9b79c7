import Foundation
import Testing
@testable import BatchCore
@testable import BatchWire

/// Answers an API must not be trusted with (issue 12): huge error bodies, redirects, listings
/// that never end. Transports over real loopback TCP; the client's paging over a scripted transport.
@Suite struct HostileAnswerTests {
    static let hugeBody = "{\"message\":\"" + String(repeating: "x", count: 2 * 1024 * 1024) + "\"}"

    func curl() throws -> CurlEasyHandle {
        let lib = try #require(LibCurl.shared, "libcurl.so.4 must load where FoundationNetworking runs")
        return try #require(CurlEasyHandle(curl: lib))
    }

    @Test func curlKeepsAt64KiBOfAnErrorBodyAndFollowsNoRedirect() throws {
        let server = try ScriptedHTTPServer { request, _ in
            switch request.path {
            case "/huge": .respond(status: 500, headers: [:], body: Self.hugeBody)
            case "/moved": .respond(status: 302, headers: ["Location": "/elsewhere"], body: "")
            default: .respond(status: 200, headers: [:], body: "{}")
            }
        }
        defer { server.stop() }
        let handle = try curl()
        let huge = try handle.perform(HTTPRequest(method: .get, url: server.url.appendingPathComponent("huge")), timeout: 10).get()
        #expect(huge.status == 500)
        #expect(huge.body.count == HTTPResponse.maxErrorBodyBytes)
        let moved = try handle.perform(HTTPRequest(method: .get, url: server.url.appendingPathComponent("moved"),
                                                   headers: ["Authorization": "Bearer t"]), timeout: 10).get()
        #expect(moved.status == 302 && moved.header("Location") == "/elsewhere")
        #expect(!server.requests.contains { $0.path == "/elsewhere" }, "the redirect was followed: \(server.requests)")
    }

    @Test func urlSessionKeepsAt64KiBOfAnErrorBodyAndFollowsNoRedirect() async throws {
        let server = try ScriptedHTTPServer { request, _ in
            switch request.path {
            case "/huge": .respond(status: 500, headers: [:], body: Self.hugeBody)
            case "/moved": .respond(status: 307, headers: ["Location": "/elsewhere"], body: "")
            default: .respond(status: 200, headers: [:], body: "{\"ok\":1}")
            }
        }
        defer { server.stop() }
        let transport = URLSessionTransport(concurrency: 2, timeout: 10)
        defer { transport.invalidate() }
        let huge = try await transport.send(HTTPRequest(method: .get, url: server.url.appendingPathComponent("huge")))
        #expect(huge.status == 500)
        #expect(huge.body.count == HTTPResponse.maxErrorBodyBytes)
        let moved = try await transport.send(HTTPRequest(method: .get, url: server.url.appendingPathComponent("moved"),
                                                         headers: ["Authorization": "Bearer t"]))
        #expect(moved.status == 307 && moved.header("Location") == "/elsewhere")
        #expect(!server.requests.contains { $0.path == "/elsewhere" }, "the redirect was followed: \(server.requests)")
        let fine = try await transport.send(HTTPRequest(method: .get, url: server.url.appendingPathComponent("fine")))
        #expect(fine.status == 200 && fine.body == Data("{\"ok\":1}".utf8))
    }

    // MARK: - the client

    static let endpoint = try! OnSchedEndpoint(
        apiURL: URL(string: "https://api.example.com")!, tokenURL: URL(string: "https://id.example.com/connect/token")!)

    func makeClient(token: HTTPResponse? = nil, _ api: @escaping @Sendable (HTTPRequest) -> HTTPResponse) -> (OnSchedClient, ScriptedHTTPTransport) {
        let transport = ScriptedHTTPTransport { request, _ in
            if request.url.path.hasSuffix("/connect/token") {
                return token ?? .json(#"{"access_token":"test-token-0123456789","expires_in":3600}"#)
            }
            return api(request)
        }
        let clock = FakeClock()
        return (OnSchedClient(endpoint: Self.endpoint, credentials: ClientCredentials(id: "sbox-1", secret: "a-long-test-secret-42"), transport: transport,
                              rateLimiter: RateLimiter(rate: 1_000, burst: 100, clock: clock),
                              retryPolicy: RetryPolicy(maxRetries: 3, random: .seeded(1)), clock: clock), transport)
    }

    @Test func aRedirectIsAnErrorNamingWhereItPointed() async throws {
        let (client, transport) = makeClient { _ in HTTPResponse(status: 301, headers: ["Location": "https://evil.example.net/steal?token=abc"]) }
        let error = try await #require(throws: OnSchedError.self) { try await client.getResource(id: "7") }
        #expect(error.kind == .invalidResponse && error.status == 301)
        #expect(error.message.contains("GET /setup/v1/resources/7 was redirected (HTTP 301) to https://evil.example.net/steal (query left out)"))
        #expect(!error.message.contains("token=abc"))
        #expect(transport.requests.filter { !$0.url.path.hasSuffix("/connect/token") }.count == 1, "not retried")

        let (viaToken, _) = makeClient(token: HTTPResponse(status: 308, headers: ["Location": "http://other.example/connect/token"])) { _ in .json("{}") }
        let tokenError = try await #require(throws: OnSchedError.self) { try await viaToken.getResource(id: "7") }
        #expect(tokenError.message.contains("the token endpoint id.example.com was redirected (HTTP 308) to http://other.example/connect/token"))
    }

    static func page(_ ids: [Int], hasMore: Bool, total: Int? = nil) -> HTTPResponse {
        let data = ids.map { #"{"id":"\#($0)","name":"R\#($0)","email":"r\#($0)@example.com"}"# }.joined(separator: ",")
        let totalField = total.map { #","total":\#($0)"# } ?? ""
        return .json(#"{"object":"list","hasMore":\#(hasMore),"count":\#(ids.count)\#(totalField),"data":[\#(data)]}"#)
    }

    static func offset(_ r: HTTPRequest) -> Int {
        Int(URLComponents(url: r.url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "offset" }?.value ?? "") ?? -1
    }

    func listing(_ api: @escaping @Sendable (HTTPRequest) -> HTTPResponse) async -> (pages: Int, error: OnSchedError?) {
        let (client, _) = makeClient(api)
        let pages = TestCounter()
        do {
            try await client.listResources { _ in _ = pages.increment() }
            return (pages.current, nil)
        } catch {
            return (pages.current, error as? OnSchedError)
        }
    }

    @Test func aListingThatCannotEndStopsWithAMessage() async throws {
        // The same page whatever the offset, always "more".
        let same = await listing { _ in Self.page([1, 2], hasMore: true, total: 1_000_000) }
        #expect(same.pages == 1, "the repeated page is not handed on")
        #expect(same.error?.kind == .invalidResponse && same.error?.message.contains("repeats resources already listed") == true, "\(String(describing: same.error))")
        // New resources on every page, beyond the list's own total.
        let past = await listing { r in Self.page([Self.offset(r) + 1, Self.offset(r) + 2], hasMore: true, total: 3) }
        #expect(past.pages == 2)
        #expect(past.error?.message.contains("past its own total of 3") == true, "\(String(describing: past.error))")
        // "More" with an empty page.
        let empty = await listing { _ in Self.page([], hasMore: true) }
        #expect(empty.error?.message.contains("returned none") == true)
        // An honest listing: three pages, no error; a resource shifting over a page boundary is fine.
        let honest = await listing { r in
            switch Self.offset(r) {
            case 0: Self.page(Array(1...100), hasMore: true, total: 250)
            case 100: Self.page(Array(100...199), hasMore: true, total: 251)
            default: Self.page(Array(200...251), hasMore: false, total: 251)
            }
        }
        #expect(honest.error == nil && honest.pages == 3)
    }
}
