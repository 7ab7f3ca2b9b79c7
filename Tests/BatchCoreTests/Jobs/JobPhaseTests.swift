import Foundation
import TestSupport
import Testing
@testable import BatchCore
@testable import BatchJobs
@testable import BatchModel
@testable import BatchReport
@testable import BatchWire

/// Issue 16: `export` and `auth-links` report progress with their phase and the pages listed, so
/// the progress line can say what they do while a large tenant is listed.
@Suite struct JobPhaseTests {
    static let endpoint = try! OnSchedEndpoint(
        apiURL: URL(string: "https://api.example.com")!, tokenURL: URL(string: "https://id.example.com/connect/token")!)

    private func makeClient(_ api: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) -> OnSchedClient {
        let transport = ScriptedHTTPTransport { request, _ in
            if request.url.path.hasSuffix("/connect/token") { return .json(#"{"access_token":"tok","expires_in":3600}"#) }
            return try await api(request)
        }
        return OnSchedClient(
            endpoint: Self.endpoint, credentials: ClientCredentials(id: "sbox-1", secret: "s"), transport: transport,
            rateLimiter: RateLimiter(rate: 1_000, burst: 100, clock: FakeClock()), retryPolicy: RetryPolicy(maxRetries: 0),
            clock: FakeClock())
    }

    /// Page `offset / 2` of a five-resource tenant listed two at a time (the client asks 100, the
    /// server answers 2: it may).
    static func page(_ request: HTTPRequest, calendars: Bool = false) -> HTTPResponse {
        let query = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        let offset = Int(query.first { $0.name == "offset" }?.value ?? "0") ?? 0
        let ids = Array(offset..<min(offset + 2, 5))
        let items = ids.map { n in
            let calendar = calendars ? #","googleCalendarId":"p\#(n)@gmail.com","googleCalendarAuthorized":false"# : ""
            return #"{"id":"\#(n)","name":"P\#(n)","email":"p\#(n)@example.com"\#(calendar)}"#
        }
        let more = offset + ids.count < 5
        return .json(#"{"object":"list","hasMore":\#(more),"count":\#(ids.count),"total":5,"data":[\#(items.joined(separator: ","))]}"#)
    }

    @Test func exportReportsTheResourcesWrittenPageByPage() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let client = makeClient { Self.page($0) }
        let seen = TestLog<JobProgress>()
        let job = ExportJob(outPath: dir.path("all.csv"), format: .csv, excel: false, locationId: nil, includeDeleted: false)
        let summary = try await job.run(client: client) { seen.append($0) }
        #expect(summary.exitCode == 0)
        #expect(seen.all.map(\.phase) == [.listing, .listing, .listing, .listing])
        #expect(seen.all.map(\.pages) == [0, 1, 2, 3])
        #expect(seen.all.map(\.rowsDone) == [0, 2, 4, 5])
    }

    @Test func authLinksReportsListingThenFetchingTheMissingLinks() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let client = makeClient { request in
            if request.url.path == "/setup/v1/resources" { return Self.page(request, calendars: true) }
            return .json(#"{"object":"calendarAuth","calendarAuthUrl":"https://accounts.google.com/fresh"}"#)
        }
        let seen = TestLog<JobProgress>()
        let job = AuthLinksJob(outPath: dir.path("links.csv"), format: .csv, excel: false, all: false,
                               returnURLs: ReturnURLs(google: "https://g.example/back"), locationId: nil, concurrency: 4)
        let summary = try await job.run(client: client, stop: StopSignal()) { seen.append($0) }
        #expect(summary.exitCode == 0)
        let phases = seen.all.map(\.phase)
        #expect(Array(phases.prefix(4)) == [.listing, .listing, .listing, .listing], "\(phases)")
        #expect(Array(phases.dropFirst(4)) == [.fetchingLinks, .fetchingLinks, .fetchingLinks], "\(phases)")
        #expect(seen.all.last?.rowsDone == 5)
        #expect(seen.all.last?.pages == 3)
        #expect(seen.all[3].rowsRead == 5 && seen.all[3].rowsDone == 0)
    }
}
