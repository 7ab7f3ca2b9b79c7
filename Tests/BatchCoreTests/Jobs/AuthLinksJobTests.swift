import Foundation
import TestSupport
import Testing
@testable import BatchCore
@testable import BatchJobs
@testable import BatchModel
@testable import BatchWire

/// `auth-links` by the page: links from the list asked with the return URLs, the calendar/auth
/// endpoint only for resources listed without one, and a refusal before anything is written.
@Suite struct AuthLinksJobTests {
    static let endpoint = try! OnSchedEndpoint(
        apiURL: URL(string: "https://api.example.com")!, tokenURL: URL(string: "https://id.example.com/connect/token")!)

    private func makeClient(_ api: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) -> (OnSchedClient, ScriptedHTTPTransport) {
        let transport = ScriptedHTTPTransport { request, _ in
            if request.url.path.hasSuffix("/connect/token") { return .json(#"{"access_token":"tok","expires_in":3600}"#) }
            return try await api(request)
        }
        let client = OnSchedClient(
            endpoint: Self.endpoint, credentials: ClientCredentials(id: "sbox-1", secret: "s"), transport: transport,
            rateLimiter: RateLimiter(rate: 1_000, burst: 100, clock: FakeClock()), retryPolicy: RetryPolicy(maxRetries: 0),
            clock: FakeClock())
        return (client, transport)
    }

    /// Ana (Google, link in the list), Bo (Outlook, no link in the list), Cy (no calendar),
    /// Di (Google, authorized).
    static let page = #"""
    {"object":"list","hasMore":false,"count":4,"data":[
     {"id":"1","name":"Ana","email":"ana@example.com","googleCalendarId":"ana@gmail.com","googleCalendarAuthorized":false,
      "googleCalendarAuthUrl":"https://accounts.google.com/o/oauth2/auth?listed=1"},
     {"id":"2","name":"Bo","email":"bo@example.com","options":{"outlookCalendarId":"bo@outlook.com"},"outlookCalendarAuthorized":false},
     {"id":"3","name":"Cy","email":"cy@example.com"},
     {"id":"4","name":"Di","email":"di@example.com","googleCalendarId":"di@gmail.com","googleCalendarAuthorized":true}]}
    """#

    private func job(_ dir: TempDir, urls: ReturnURLs, all: Bool = false) -> AuthLinksJob {
        AuthLinksJob(outPath: dir.path("links.csv"), format: .csv, excel: false, all: all, returnURLs: urls, locationId: "9",
                     concurrency: 4)
    }

    @Test func linksComeFromTheListAndTheEndpointOnlyForTheRest() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (client, transport) = makeClient { request in
            if request.url.path == "/setup/v1/resources" { return .json(Self.page) }
            return .json(#"{"object":"calendarAuth","calendarId":"bo@outlook.com","calendarAuthUrl":"https://login.example/fresh"}"#)
        }
        let urls = ReturnURLs(google: "https://g.example/back", outlook: "https://o.example/back")
        let summary = try await job(dir, urls: urls).run(client: client, stop: StopSignal(), progress: nil)
        #expect(summary.exitCode == 0)
        let api = transport.requests.filter { !$0.url.path.hasSuffix("/connect/token") }
        #expect(api.count == 2, "one list page and one calendar/auth call: \(api.map(\.url))")
        let list = URLComponents(url: api[0].url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        #expect(list.first { $0.name == "googleAuthReturnUrl" }?.value == "https://g.example/back")
        #expect(list.first { $0.name == "outlookAuthReturnUrl" }?.value == "https://o.example/back")
        #expect(list.first { $0.name == "locationId" }?.value == "9")
        #expect(list.first { $0.name == "limit" }?.value == "100")
        #expect(api[1].url.path == "/setup/v1/resources/2/calendar/auth/outlook/bo@outlook.com")
        let text = String(decoding: try dir.read("links.csv"), as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        #expect(lines.count == 3, "\(text)")
        #expect(lines[1].contains("https://accounts.google.com/o/oauth2/auth?listed=1"))
        #expect(lines[2].contains("https://login.example/fresh"))
    }

    @Test func aCalendarWithoutItsReturnURLIsRefusedBeforeAnythingIsWritten() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (client, transport) = makeClient { request in
            request.url.path == "/setup/v1/resources" ? .json(Self.page) : .json("{}", status: 500)
        }
        let error = await #expect(throws: AuthLinksRefusal.self) {
            _ = try await job(dir, urls: ReturnURLs(google: "https://g.example/back")).run(client: client, stop: StopSignal(), progress: nil)
        }
        #expect(error?.missing == [.outlook: 1])
        #expect(error?.description.contains("Outlook") == true)
        #expect(!dir.exists("links.csv"))
        #expect(!transport.requests.contains { $0.url.path.contains("/calendar/auth/") })
    }

    @Test func noReturnURLAtAllIsRefusedWithoutARequest() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (client, transport) = makeClient { _ in .json(Self.page) }
        await #expect(throws: AuthLinksRefusal.noReturnURL) {
            _ = try await job(dir, urls: ReturnURLs()).run(client: client, stop: StopSignal(), progress: nil)
        }
        #expect(transport.requests.isEmpty)
    }
}
