import Foundation
import Testing
@testable import BatchCore
@testable import BatchModel
@testable import BatchWire
import OnSchedEmulator

/// Which transport a contract test runs on: both must agree with the emulator.
enum TransportKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case curl, urlSession
    var description: String { rawValue }
}

/// The client against the real emulator over loopback HTTP, on each transport: the two
/// were written separately from onsched-api.md, so agreement here means both read it the same way.
@Suite(.serialized) struct ClientContractTests {
    /// A running emulator and a client talking to it; `close()` stops both.
    struct Harness {
        let server: EmulatorServer
        let baseURL: URL
        let transport: any HTTPTransport
        let invalidateTransport: @Sendable () -> Void
        let client: OnSchedClient

        init(
            _ configuration: EmulatorConfiguration = EmulatorConfiguration(port: 0),
            clientId: String = "sbox-contract", secret: String = "contract-secret", maxRetries: Int = 3,
            timeout: Double = 20, transport kind: TransportKind
        ) throws {
            var configuration = configuration
            configuration.port = 0
            server = EmulatorServer(configuration: configuration)
            baseURL = try server.start()
            switch kind {
            case .curl:
                let curl = try #require(CurlTransport(concurrency: 4, timeout: timeout))
                transport = curl
                invalidateTransport = { curl.invalidate() }
            case .urlSession:
                let session = URLSessionTransport(concurrency: 4, timeout: timeout)
                transport = session
                invalidateTransport = { session.invalidate() }
            }
            let endpoint = try OnSchedEndpoint(apiURL: baseURL, tokenURL: baseURL.appendingPathComponent("connect/token"))
            client = OnSchedClient(
                endpoint: endpoint, credentials: ClientCredentials(id: clientId, secret: secret), transport: transport,
                rateLimiter: RateLimiter(rate: 500, burst: 50), retryPolicy: RetryPolicy(maxRetries: maxRetries, base: 0.05, cap: 0.5))
        }

        func close() {
            invalidateTransport()
            server.stop()
        }

        /// `GET /emulator/resources`: the emulator's own view of the tenant.
        func adminResources() async throws -> [[String: Any]] {
            let response = try await transport.send(HTTPRequest(method: .get, url: baseURL.appendingPathComponent("emulator/resources")))
            #expect(response.status == 200)
            return try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]] ?? []
        }

        /// `POST /emulator/seed`: resources put in place without faults or rate limits; their ids.
        func seed(_ resources: [ResourcePayload]) async throws -> [String] {
            let body = try JSONEncoder().encode(["resources": resources])
            let response = try await transport.send(HTTPRequest(
                method: .post, url: baseURL.appendingPathComponent("emulator/seed"),
                headers: ["Content-Type": "application/json"], body: body))
            #expect(response.status == 200)
            return try JSONDecoder().decode([Resource].self, from: response.body).compactMap(\.id)
        }

        func authorize(_ id: String) async throws {
            let response = try await transport.send(HTTPRequest(method: .post, url: baseURL.appendingPathComponent("emulator/authorize/\(id)")))
            #expect(response.status == 200)
        }
    }

    private static func people(_ range: Range<Int>) -> [ResourcePayload] {
        range.map { ResourcePayload(name: "Person \($0)", email: "person\($0)@example.com") }
    }

    @Test(arguments: TransportKind.allCases) func bulkCreateThenListEveryPageAndGetOne(_ kind: TransportKind) async throws {
        let h = try Harness(transport: kind)
        defer { h.close() }
        var created: [Resource] = []
        for chunk in [0..<100, 100..<200, 200..<230] {
            let answer = try await h.client.bulkCreate(Self.people(chunk))
            #expect(answer.count == chunk.count)
            #expect(answer.map(\.email) == chunk.map { "person\($0)@example.com" })
            created += answer
        }
        #expect(created.allSatisfy { $0.id != nil })
        #expect(Set(created.compactMap(\.id)).count == 230)

        var pageSizes: [Int] = []
        var listed: [Resource] = []
        try await h.client.listResources(pageSize: 100) { page in
            pageSizes.append(page.count)
            listed += page
        }
        #expect(pageSizes == [100, 100, 30])
        #expect(Set(listed.compactMap(\.id)) == Set(created.compactMap(\.id)))

        var small = 0
        try await h.client.listResources(pageSize: 7) { page in
            #expect(page.count <= 7)
            small += page.count
        }
        #expect(small == 230)

        let one = try await h.client.getResource(id: created[42].id!)
        #expect(one.email == "person42@example.com")
        #expect(one.name == "Person 42")

        let found = try await h.client.findResources(email: "PERSON7@example.com", locationId: nil)
        #expect(found.map(\.id) == [created[7].id])

        let missing = try await #require(throws: OnSchedError.self) { try await h.client.getResource(id: "999999") }
        #expect(missing.kind == .http && missing.status == 404)
        #expect(!missing.message.contains("{"))

        let stats = await h.client.stats
        #expect(stats.tokenFetches == 1)
        #expect(stats.retries == 0)
        #expect(try await h.adminResources().count == 230)
    }

    @Test(arguments: TransportKind.allCases) func bulkUpdateChangesOnlyWhatWasSent(_ kind: TransportKind) async throws {
        let h = try Harness(transport: kind)
        defer { h.close() }
        let created = try await h.client.bulkCreate([
            ResourcePayload(name: "Ana", email: "ana@example.com", description: "keep me"),
            ResourcePayload(name: "Bo", email: "bo@example.com"),
        ])
        let ids = created.compactMap(\.id)
        #expect(ids.count == 2)
        // Every bulk item carries name and e-mail: rows that give only some fields take the tenant's.
        let updated = try await h.client.bulkUpdate([
            ResourcePayload(id: ids[0], locationId: "ignored", name: "Ana Maria").withIdentity(of: created[0]),
            ResourcePayload(id: ids[1], timezoneId: "Europe/Oslo").withIdentity(of: created[1]),
        ])
        #expect(updated.map(\.id) == ids)
        let ana = try await h.client.getResource(id: ids[0])
        #expect(ana.name == "Ana Maria")
        #expect(ana.description == "keep me")
        #expect(ana.email == "ana@example.com")
        let bo = try await h.client.getResource(id: ids[1])
        #expect(bo.name == "Bo")
    }

    @Test(arguments: TransportKind.allCases) func calendarsGetAuthLinksForGoogleAndOutlook(_ kind: TransportKind) async throws {
        let h = try Harness(transport: kind)
        defer { h.close() }
        let returnURL = "https://example.com/welcome?team=a&lang=en"
        let google = try await h.client.bulkCreate(
            [ResourcePayload(name: "Pat", email: "pat@gmail.com", options: ResourceOptions(googleCalendarId: "pat+cal@gmail.com", calendarAvailability: 1))],
            returnURLs: ReturnURLs(google: returnURL))
        let patId = try #require(google.first?.id)
        #expect(google.first?.googleCalendarId == "pat+cal@gmail.com")
        #expect(google.first?.googleCalendarAuthorized == false)
        #expect(google.first?.googleCalendarAuthUrl?.isEmpty == false)

        let outlook = try await h.client.bulkCreate(
            [ResourcePayload(name: "Lee", email: "lee@outlook.com", options: ResourceOptions(outlookCalendarId: "lee@outlook.com", calendarAvailability: 2))],
            returnURLs: ReturnURLs(outlook: returnURL))
        let leeId = try #require(outlook.first?.id)

        let googleLink = try await h.client.authLink(
            resourceId: patId, provider: .google, calendarId: "pat+cal@gmail.com", returnURLs: ReturnURLs(google: returnURL))
        #expect(googleLink.hasPrefix("https://accounts.google.com/"))
        let googleItems = URLComponents(string: googleLink)?.queryItems ?? []
        #expect(googleItems.first { $0.name == "login_hint" }?.value == "pat+cal@gmail.com")
        #expect(googleItems.first { $0.name == "state" }?.value?.contains(returnURL) == true)

        let outlookLink = try await h.client.authLink(
            resourceId: leeId, provider: .outlook, calendarId: "lee@outlook.com", returnURLs: ReturnURLs(outlook: returnURL))
        #expect(outlookLink.hasPrefix("https://login.microsoftonline.com/"))

        // After the person follows the link, the calendar shows as authorized.
        try await h.authorize(patId)
        #expect(try await h.client.getResource(id: patId).googleCalendarAuthorized == true)
    }

    @Test(arguments: TransportKind.allCases) func aBadRequestBecomesOneReadableMessage(_ kind: TransportKind) async throws {
        let h = try Harness(transport: kind)
        defer { h.close() }
        let error = try await #require(throws: OnSchedError.self) {
            try await h.client.bulkCreate([ResourcePayload(name: "No Mail"), ResourcePayload(email: "no-name@example.com")])
        }
        #expect(error.kind == .http && error.status == 400)
        #expect(!error.mayHaveBeenApplied)
        #expect(error.message.localizedCaseInsensitiveContains("email"))
        // Field names like resources[0].Email, but no JSON punctuation left.
        #expect(!error.message.contains("{") && !error.message.contains("\""), "\(error.message)")
        #expect(try await h.adminResources().isEmpty)  // all or nothing
        let stats = await h.client.stats
        #expect(stats.requests == 1 && stats.retries == 0)
    }

    @Test(arguments: TransportKind.allCases) func rejectedCredentialsAreUnauthorizedWithoutTheSecret(_ kind: TransportKind) async throws {
        let h = try Harness(clientId: "not-a-sandbox-id", secret: "very-secret-value", transport: kind)
        defer { h.close() }
        let error = try await #require(throws: OnSchedError.self) { try await h.client.getResource(id: "1") }
        #expect(error.kind == .unauthorized)
        #expect(!error.isRetryable)
        #expect(!error.description.contains("very-secret-value"))
        #expect(error.description.contains("invalid_client"))
    }

    @Test(arguments: TransportKind.allCases) func aTokenTheAPIKeepsRefusingIsRefreshedOnceThenUnauthorized(_ kind: TransportKind) async throws {
        // Tokens that expire at once: every API call answers 401.
        let h = try Harness(EmulatorConfiguration(port: 0, tokenLifetime: 0), transport: kind)
        defer { h.close() }
        let error = try await #require(throws: OnSchedError.self) { try await h.client.getResource(id: "1") }
        #expect(error.kind == .unauthorized)
        #expect(error.status == 401)
        let stats = await h.client.stats
        #expect(stats.requests == 2)
        #expect(stats.tokenFetches == 2)
    }

    @Test(arguments: TransportKind.allCases) func aCreateAppliedThenAnsweredWith502IsReportedAsPossiblyApplied(_ kind: TransportKind) async throws {
        let h = try Harness(EmulatorConfiguration(port: 0, faults: FaultSpec(commitThenFail: 1)), transport: kind)
        defer { h.close() }
        let error = try await #require(throws: OnSchedError.self) {
            try await h.client.bulkCreate(Self.people(0..<3))
        }
        #expect(error.status == 502)
        #expect(error.mayHaveBeenApplied)
        #expect(await h.client.stats.requests == 1)  // not re-sent
        #expect(try await h.adminResources().count == 3)  // …and it had indeed been applied
    }

    @Test(arguments: TransportKind.allCases) func serverErrorsAndThrottlingAreRetriedForUpdatesAndReads(_ kind: TransportKind) async throws {
        let h = try Harness(EmulatorConfiguration(port: 0, faults: FaultSpec(error: 0.3, throttle: 0.2), seed: 7), maxRetries: 10, transport: kind)
        defer { h.close() }
        let seeded = try await h.seed(Self.people(0..<4))
        for (i, id) in seeded.enumerated() {
            let updated = try await h.client.bulkUpdate([ResourcePayload(id: id, name: "Renamed \(i)", email: "person\(i)@example.com")])
            #expect(updated.first?.id == id)
            #expect(try await h.client.getResource(id: id).name == "Renamed \(i)")
        }
        let stats = await h.client.stats
        #expect(stats.retries > 0)
        #expect(stats.requests == 8 + stats.retries)
    }

    @Test(arguments: TransportKind.allCases) func throttledCreatesAreRetried(_ kind: TransportKind) async throws {
        let h = try Harness(EmulatorConfiguration(port: 0, faults: FaultSpec(throttle: 0.4), seed: 3), maxRetries: 10, transport: kind)
        defer { h.close() }
        for i in 0..<3 {
            let created = try await h.client.bulkCreate([ResourcePayload(name: "P\(i)", email: "p\(i)@example.com")])
            #expect(created.count == 1)
        }
        #expect(try await h.adminResources().count == 3)  // exactly once each
        let stats = await h.client.stats
        #expect(stats.throttled == stats.retries)
        #expect(await h.client.rateLimiter.stats.throttledCount == stats.throttled)
    }

    @Test(arguments: TransportKind.allCases) func aCreateThatTimesOutMayHaveBeenApplied(_ kind: TransportKind) async throws {
        var configuration = EmulatorConfiguration(port: 0, faults: FaultSpec(latency: 1.5))
        configuration.idleTimeout = 5
        let h = try Harness(configuration, maxRetries: 3, timeout: 0.5, transport: kind)
        defer { h.close() }
        // The token first (the latency is only on /setup): under a loaded test run its fetch alone
        // could miss the half-second time-out, which is not what this test is about.
        for _ in 0..<20 {
            if (try? await h.client.renewToken()) != nil { break }
        }
        let error = try await #require(throws: OnSchedError.self) { try await h.client.bulkCreate(Self.people(0..<1)) }
        #expect(error.kind == .transport)
        #expect(error.mayHaveBeenApplied)
        #expect(await h.client.stats.requests == 1)
    }

    @Test(arguments: TransportKind.allCases) func aStoppedServerIsATransportErrorThatNeverReachedIt(_ kind: TransportKind) async throws {
        let h = try Harness(maxRetries: 0, transport: kind)
        defer { h.close() }
        _ = try await h.client.listResources { _ in }  // fetches the token while the server is up
        h.server.stop()
        let error = try await #require(throws: OnSchedError.self) {
            try await h.client.bulkCreate(Self.people(0..<1))
        }
        #expect(error.kind == .transport)
        #expect(error.isRetryable)
        #expect(!error.mayHaveBeenApplied)
    }
}
