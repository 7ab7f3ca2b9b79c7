import Foundation
import Testing
@testable import BatchCore
@testable import BatchJobs
@testable import BatchModel
@testable import BatchSync
@testable import BatchWire

@Suite struct OnSchedClientTests {
    static let secret = "top-secret-value"
    static let endpoint = try! OnSchedEndpoint(
        apiURL: URL(string: "https://api.example.com")!, tokenURL: URL(string: "https://id.example.com/connect/token")!)

    /// A client on a fake clock whose API answers come from `api` (token requests are answered
    /// with `tok1`, `tok2`, …).
    private func makeClient(
        clock: FakeClock = FakeClock(), maxRetries: Int = 6,
        api: @escaping @Sendable (HTTPRequest, Int) async throws -> HTTPResponse
    ) -> (OnSchedClient, ScriptedHTTPTransport) {
        let apiCalls = TestCounter()
        let tokens = TestCounter()
        let transport = ScriptedHTTPTransport { request, _ in
            if request.url.path.hasSuffix("/connect/token") {
                return .json(#"{"access_token":"tok\#(tokens.increment())","expires_in":3600}"#)
            }
            return try await api(request, apiCalls.increment() - 1)
        }
        let client = OnSchedClient(
            endpoint: Self.endpoint, credentials: ClientCredentials(id: "sbox-1", secret: Self.secret),
            transport: transport, rateLimiter: RateLimiter(rate: 1_000, burst: 100, clock: clock),
            retryPolicy: RetryPolicy(maxRetries: maxRetries, random: .seeded(3)), clock: clock)
        return (client, transport)
    }

    private func apiRequests(_ t: ScriptedHTTPTransport) -> [HTTPRequest] {
        t.requests.filter { !$0.url.path.hasSuffix("/connect/token") }
    }

    private static func resourcesJSON(_ range: Range<Int>) -> String {
        "[" + range.map { #"{"id":"\#($0)","name":"R\#($0)","email":"r\#($0)@example.com","object":"resource"}"# }
            .joined(separator: ",") + "]"
    }

    private static func query(_ r: HTTPRequest) -> [String: String] {
        let items = URLComponents(url: r.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
    }

    // MARK: paging

    @Test func listingFollowsEveryPage() async throws {
        let total = 250
        let (client, transport) = makeClient { request, _ in
            let q = Self.query(request)
            let offset = Int(q["offset"] ?? "0")!
            let limit = Int(q["limit"] ?? "20")!
            let end = min(total, offset + limit)
            return .json(#"{"object":"list","url":"/setup/v1/resources","hasMore":\#(end < total),"count":\#(end - offset),"total":\#(total),"data":\#(Self.resourcesJSON(offset..<end))}"#)
        }
        let pages = TestLog<[Resource]>()
        try await client.listResources(locationId: "loc 1") { pages.append($0) }
        #expect(pages.all.map(\.count) == [100, 100, 50])
        #expect(pages.all.flatMap { $0 }.map(\.id) == (0..<250).map { String($0) })
        let requests = apiRequests(transport)
        #expect(requests.map { Self.query($0)["offset"] } == ["0", "100", "200"])
        #expect(requests.allSatisfy { $0.method == .get && $0.url.path == "/setup/v1/resources" })
        #expect(Self.query(requests[0]) == ["locationId": "loc 1", "offset": "0", "limit": "100"])
        #expect(requests[0].header("Authorization") == "Bearer tok1")
        #expect(await client.stats == ClientStats(requests: 3, retries: 0, throttled: 0, tokenFetches: 1))
    }

    @Test func readingTheTenantStopsAfterThePageInFlightWhenTheRunIsStopped() async throws {
        // A tenant of 100,000 is 1,000 rate-limited pages: an interrupt must not wait for them all.
        let stop = StopSignal()
        let (client, transport) = makeClient { request, index in
            if index == 1 { stop.stop(.interrupted) }
            let offset = Int(Self.query(request)["offset"] ?? "0")!
            return .json(#"{"object":"list","hasMore":\#(offset + 100 < 100_000),"count":100,"total":100000,"data":\#(Self.resourcesJSON(offset..<(offset + 100)))}"#)
        }
        await #expect(throws: CancellationError.self) {
            _ = try await TenantIndex.load(client: client, locationId: nil, stop: stop)
        }
        #expect(apiRequests(transport).count == 2)
        let whole = try await TenantIndex.load(client: makeClient { _, _ in
            .json(#"{"hasMore":false,"count":1,"data":[{"id":"7","email":"Ana@Example.com"}]}"#)
        }.0, locationId: nil, stop: StopSignal())
        #expect(whole.ids(forEmail: "ana@example.com") == ["7"])
    }

    @Test func includeDeletedAddsAPassOverDeletedResources() async throws {
        let (client, transport) = makeClient { request, _ in
            if Self.query(request)["deleted"] == "true" {
                // A server reading deleted=true as "include" sends live ones too: they are dropped.
                return .json(#"{"hasMore":false,"count":2,"data":[{"id":"1","deletedStatus":false},{"id":"9","deletedStatus":true}]}"#)
            }
            return .json(#"{"hasMore":false,"count":1,"data":[{"id":"1","deletedStatus":false}]}"#)
        }
        let pages = TestLog<[Resource]>()
        try await client.listResources(includeDeleted: true) { pages.append($0) }
        #expect(pages.all.map { $0.map(\.id) } == [["1"], ["9"]])
        #expect(apiRequests(transport).map { Self.query($0)["deleted"] } == [nil, "true"])
    }

    @Test func aServerClaimingMorePagesWithAnEmptyPageIsStopped() async throws {
        let (client, transport) = makeClient { _, _ in
            .json(#"{"object":"list","hasMore":true,"count":0,"total":10,"data":[]}"#)
        }
        let error = try await #require(throws: OnSchedError.self) {
            try await client.listResources { _ in }
        }
        #expect(error.kind == .invalidResponse)
        #expect(apiRequests(transport).count == 1)
    }

    @Test func findResourcesMatchesTheEmailExactly() async throws {
        let (client, transport) = makeClient { _, _ in
            .json(#"{"hasMore":false,"count":3,"data":[{"id":"1","email":"Ana@Example.com"},{"id":"2","email":"ana@example.com.evil"},{"id":"3","email":"ana@example.com"}]}"#)
        }
        let found = try await client.findResources(email: "ana@example.com", locationId: nil)
        #expect(found.map(\.id) == ["1", "3"])
        #expect(Self.query(apiRequests(transport)[0])["email"] == "ana@example.com")
    }

    @Test func getResourceAndNotFound() async throws {
        let (client, transport) = makeClient { request, _ in
            request.url.path.hasSuffix("/12") ? .json(#"{"id":"12","name":"Room"}"#) : .json(#"{"error":"Resource not found"}"#, status: 404)
        }
        #expect(try await client.getResource(id: "12").name == "Room")
        let error = try await #require(throws: OnSchedError.self) { try await client.getResource(id: "99") }
        #expect(error.kind == .http && error.status == 404 && error.message == "Resource not found")
        #expect(apiRequests(transport).map(\.url.path) == ["/setup/v1/resources/12", "/setup/v1/resources/99"])
    }

    // MARK: bulk calls

    @Test func bulkCreateSendsTheWrappedListAndReadsABareArray() async throws {
        let (client, transport) = makeClient { request, _ in
            let body = try JSONSerialization.jsonObject(with: request.body!) as! [String: Any]
            let n = (body["resources"] as! [Any]).count
            return .json(Self.resourcesJSON(0..<n))
        }
        let payloads = [
            ResourcePayload(locationId: "L1", name: "Ana", email: "ana@gmail.com", options: ResourceOptions(googleCalendarId: "ana@gmail.com", calendarAvailability: 1)),
            ResourcePayload(name: "Bo", email: "bo@example.com"),
        ]
        let created = try await client.bulkCreate(payloads, returnURLs: ReturnURLs(google: "https://x.example/cb?a=1&b=2"))
        #expect(created.map(\.id) == ["0", "1"])
        let request = try #require(apiRequests(transport).first)
        #expect(request.method == .post)
        #expect(request.url.path == "/setup/v1/resources/bulk")
        #expect(request.url.query == "googleAuthReturnUrl=https%3A%2F%2Fx.example%2Fcb%3Fa%3D1%26b%3D2")
        #expect(Self.query(request)["googleAuthReturnUrl"] == "https://x.example/cb?a=1&b=2")
        #expect(request.header("Content-Type")?.hasPrefix("application/json") == true)
        struct Body: Decodable { var resources: [ResourcePayload] }
        #expect(try JSONDecoder().decode(Body.self, from: request.body!).resources == payloads)
    }

    @Test func bulkUpdateSendsIdsWithoutLocation() async throws {
        let (client, transport) = makeClient { _, _ in .json(Self.resourcesJSON(0..<1)) }
        _ = try await client.bulkUpdate([ResourcePayload(id: "7", locationId: "L1", name: "New")], returnURLs: ReturnURLs(outlook: "https://o.example/"))
        let request = try #require(apiRequests(transport).first)
        #expect(request.method == .put)
        #expect(request.url.path == "/setup/v1/resources/bulk")
        #expect(Self.query(request) == ["outlookAuthReturnUrl": "https://o.example/"])
        let json = String(decoding: request.body!, as: UTF8.self)
        #expect(json.contains(#""id":"7""#))
        #expect(!json.contains("locationId"))
        await #expect(throws: OnSchedError.self) { try await client.bulkUpdate([ResourcePayload(name: "no id")]) }
    }

    @Test func bulkCallsRefuseMoreThanAHundredAndSendNothingForNone() async throws {
        let (client, transport) = makeClient { _, _ in .json("[]") }
        #expect(try await client.bulkCreate([]).isEmpty)
        let many = Array(repeating: ResourcePayload(name: "x", email: "x@example.com"), count: 101)
        let error = try await #require(throws: OnSchedError.self) { try await client.bulkCreate(many) }
        #expect(error.kind == .invalidConfiguration)
        #expect(transport.requests.isEmpty)
    }

    @Test func authLinksForBothProviders() async throws {
        let (client, transport) = makeClient { request, _ in
            .json(#"{"object":"calendarAuth","calendarId":"x","calendarAuthUrl":"https://auth.example/\#(request.url.pathComponents[7])"}"#)
        }
        let google = try await client.authLink(
            resourceId: "38335", provider: .google, calendarId: "pat+cal@gmail.com", returnURLs: ReturnURLs(google: "https://e.example/p?x=1"))
        let outlook = try await client.authLink(resourceId: "38336", provider: .outlook, calendarId: "lee@outlook.com", returnURLs: .none)
        #expect(google == "https://auth.example/google")
        #expect(outlook == "https://auth.example/outlook")
        let requests = apiRequests(transport)
        #expect(requests[0].url.absoluteString
            == "https://api.example.com/setup/v1/resources/38335/calendar/auth/google/pat%2Bcal@gmail.com?googleAuthReturnUrl=https%3A%2F%2Fe.example%2Fp%3Fx%3D1")
        #expect(requests[1].url.absoluteString == "https://api.example.com/setup/v1/resources/38336/calendar/auth/outlook/lee@outlook.com")
    }

    @Test func anAuthLinkAnswerWithoutALinkIsInvalid() async throws {
        let (client, _) = makeClient { _, _ in .json(#"{"object":"calendarAuth"}"#) }
        let error = try await #require(throws: OnSchedError.self) {
            try await client.authLink(resourceId: "1", provider: .google, calendarId: "a@gmail.com")
        }
        #expect(error.kind == .invalidResponse)
    }

    // MARK: retries

    @Test func throttlingIsHonouredThenTheCallSucceeds() async throws {
        let clock = FakeClock()
        let (client, transport) = makeClient(clock: clock) { _, index in
            index == 0 ? HTTPResponse(status: 429, headers: ["retry-after": "2"]) : .json(Self.resourcesJSON(0..<1))
        }
        let result = try await driving(clock) { try await client.bulkCreate([ResourcePayload(name: "A", email: "a@example.com")]) }
        #expect(result.count == 1)
        #expect(clock.now == 2)
        #expect(apiRequests(transport).count == 2)
        #expect(await client.stats == ClientStats(requests: 2, retries: 1, throttled: 1, tokenFetches: 1))
        #expect(await client.rateLimiter.stats.throttledCount == 1)
        #expect(await client.rateLimiter.stats.currentRate < 1_000)
    }

    @Test func serverErrorsAreRetriedForUpdates() async throws {
        let clock = FakeClock()
        let (client, transport) = makeClient(clock: clock) { _, index in
            switch index {
            case 0: HTTPResponse(status: 502)
            case 1: HTTPResponse(status: 503)
            case 2: throw TransportError(.connectionLost, "connection reset by peer")
            default: .json(Self.resourcesJSON(0..<1))
            }
        }
        let result = try await driving(clock) { try await client.bulkUpdate([ResourcePayload(id: "1", name: "A")]) }
        #expect(result.count == 1)
        #expect(apiRequests(transport).count == 4)
        #expect(await client.stats.retries == 3)
    }

    @Test func retriesEndAfterMaxRetries() async throws {
        let clock = FakeClock()
        let (client, transport) = makeClient(clock: clock, maxRetries: 2) { _, _ in
            .json(#"{"message":"try later"}"#, status: 503)
        }
        let error = try await #require(throws: OnSchedError.self) {
            try await driving(clock) { try await client.getResource(id: "1") }
        }
        #expect(error.kind == .http && error.status == 503 && error.message == "try later")
        #expect(error.isRetryable)
        #expect(!error.mayHaveBeenApplied)  // a GET changes nothing
        #expect(apiRequests(transport).count == 3)
    }

    @Test(arguments: [
        TransportError(.timedOut, "no answer within the time-out"),
        TransportError(.connectionLost, "connection reset by peer"),
    ])
    func aCreateThatMayHaveBeenAppliedIsNotResent(failure: TransportError) async throws {
        let clock = FakeClock()
        let (client, transport) = makeClient(clock: clock) { _, _ in throw failure }
        let error = try await #require(throws: OnSchedError.self) {
            try await driving(clock) { try await client.bulkCreate([ResourcePayload(name: "A", email: "a@example.com")]) }
        }
        #expect(error.kind == .transport)
        #expect(error.mayHaveBeenApplied)
        #expect(apiRequests(transport).count == 1)
    }

    @Test func aCreateAnsweredWithAServerErrorIsNotResent() async throws {
        let clock = FakeClock()
        let (client, transport) = makeClient(clock: clock) { _, _ in HTTPResponse(status: 502, body: Data("<html><title>502 Bad Gateway</title></html>".utf8)) }
        let error = try await #require(throws: OnSchedError.self) {
            try await driving(clock) { try await client.bulkCreate([ResourcePayload(name: "A", email: "a@example.com")]) }
        }
        #expect(error.kind == .http && error.status == 502)
        #expect(error.mayHaveBeenApplied)
        #expect(error.message == "502 Bad Gateway")
        #expect(apiRequests(transport).count == 1)
    }

    @Test func aCreateThatNeverConnectedIsResent() async throws {
        let clock = FakeClock()
        let (client, transport) = makeClient(clock: clock) { _, index in
            if index < 2 { throw TransportError(.notConnected, "could not connect to the host") }
            return .json(Self.resourcesJSON(0..<1))
        }
        let result = try await driving(clock) { try await client.bulkCreate([ResourcePayload(name: "A", email: "a@example.com")]) }
        #expect(result.count == 1)
        #expect(apiRequests(transport).count == 3)
    }

    @Test func retryAmbiguousOptsIntoResendingCreates() async throws {
        let clock = FakeClock()
        let (client, transport) = makeClient(clock: clock) { _, index in
            index == 0 ? HTTPResponse(status: 504) : .json(Self.resourcesJSON(0..<1))
        }
        _ = try await driving(clock) {
            try await client.bulkCreate([ResourcePayload(name: "A", email: "a@example.com")], retryAmbiguous: true)
        }
        #expect(apiRequests(transport).count == 2)
    }

    @Test func aBadRequestBecomesAReadableMessageAndIsNotRetried() async throws {
        let (client, transport) = makeClient { _, _ in
            .json(#"{"Email":["The Email field is required."],"Name":["The Name field is required."]}"#, status: 400)
        }
        let error = try await #require(throws: OnSchedError.self) {
            try await client.bulkCreate([ResourcePayload(description: "nothing")])
        }
        #expect(error.kind == .http && error.status == 400)
        #expect(error.message == "Email: The Email field is required.; Name: The Name field is required.")
        #expect(!error.mayHaveBeenApplied)
        #expect(error.description == "HTTP 400: Email: The Email field is required.; Name: The Name field is required.")
        #expect(apiRequests(transport).count == 1)
    }

    @Test func anUnreadableSuccessfulCreateMayHaveBeenApplied() async throws {
        let (client, _) = makeClient { _, _ in .json("created!") }
        let error = try await #require(throws: OnSchedError.self) {
            try await client.bulkCreate([ResourcePayload(name: "A", email: "a@example.com")])
        }
        #expect(error.kind == .invalidResponse && error.mayHaveBeenApplied)
    }

    // MARK: tokens

    @Test func aRejectedTokenIsRefreshedOnce() async throws {
        let (client, transport) = makeClient { request, _ in
            if request.header("Authorization") == "Bearer tok1" { return HTTPResponse(status: 401) }
            return request.method == .post ? .json("[]") : .json(#"{"id":"1"}"#)
        }
        #expect(try await client.getResource(id: "1").id == "1")
        #expect(apiRequests(transport).map { $0.header("Authorization") } == ["Bearer tok1", "Bearer tok2"])
        #expect(await client.stats.tokenFetches == 2)
    }

    @Test func aCreateRejectedWith401IsResentWithANewToken() async throws {
        // A 401 is answered before anything is processed, so even a create may be re-sent.
        let (client, transport) = makeClient { _, index in index == 0 ? HTTPResponse(status: 401) : .json("[]") }
        _ = try await client.bulkCreate([ResourcePayload(name: "A", email: "a@example.com")])
        #expect(apiRequests(transport).map { $0.header("Authorization") } == ["Bearer tok1", "Bearer tok2"])
    }

    @Test func aSecond401MeansTheCredentialsAreRejected() async throws {
        let (client, transport) = makeClient { _, _ in .json(#"{"message":"Authorization has been denied"}"#, status: 401) }
        let error = try await #require(throws: OnSchedError.self) { try await client.getResource(id: "1") }
        #expect(error.kind == .unauthorized)
        #expect(error.status == 401)
        #expect(error.description.contains("Authorization has been denied"))
        #expect(apiRequests(transport).count == 2)
        #expect(await client.stats.tokenFetches == 2)
    }

    @Test func secretsAndTokensStayOutOfErrors() async throws {
        let clock = FakeClock()
        let secret = Self.secret
        // A hostile server echoes everything it got.
        let transport = ScriptedHTTPTransport { request, _ in
            let echo = String(decoding: request.body ?? Data(), as: UTF8.self) + " " + (request.header("Authorization") ?? "")
            if request.url.path.hasSuffix("/connect/token") {
                return .json(#"{"error":"invalid_client","error_description":"\#(echo)"}"#, status: 401)
            }
            return HTTPResponse(status: 401, body: Data(echo.utf8))
        }
        let client = OnSchedClient(
            endpoint: Self.endpoint, credentials: ClientCredentials(id: "sbox-1", secret: secret), transport: transport,
            rateLimiter: RateLimiter(rate: 100, clock: clock), retryPolicy: RetryPolicy(random: .seeded(1)), clock: clock)
        let error = try await #require(throws: OnSchedError.self) { try await client.getResource(id: "1") }
        #expect(error.kind == .unauthorized)
        for text in [error.description, error.message, String(reflecting: error), "\(client)"] {
            #expect(!text.contains(secret))
        }
        #expect(!"\(HTTPRequest(method: .get, url: Self.endpoint.apiURL, headers: ["Authorization": "Bearer abc"]))".contains("abc"))
    }

    @Test func aFlakyTokenEndpointIsRetried() async throws {
        let clock = FakeClock()
        let tokenCalls = TestCounter()
        let transport = ScriptedHTTPTransport { request, _ in
            if request.url.path.hasSuffix("/connect/token") {
                if tokenCalls.increment() == 1 { return HTTPResponse(status: 503) }
                return .json(#"{"access_token":"ok","expires_in":3600}"#)
            }
            return .json(#"{"id":"5"}"#)
        }
        let client = OnSchedClient(
            endpoint: Self.endpoint, credentials: ClientCredentials(id: "sbox-1", secret: "s"), transport: transport,
            rateLimiter: RateLimiter(rate: 100, clock: clock), retryPolicy: RetryPolicy(random: .seeded(1)), clock: clock)
        #expect(try await driving(clock) { try await client.getResource(id: "5") }.id == "5")
        #expect(tokenCalls.current == 2)
    }
}
