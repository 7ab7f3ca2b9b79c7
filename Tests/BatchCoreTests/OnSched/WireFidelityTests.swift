import Foundation
import Testing
@testable import BatchCore
@testable import BatchModel
@testable import BatchReport
@testable import BatchWire

/// The client's request bodies and its reading of answers, against the table of issue 14 and
/// the **(new)** facts of onsched-api.md: `serviceIds` as strings, `contact.preferredPhoneType` on
/// input, name and e-mail on every bulk item, the row's location on look-ups, a 404 look-up as
/// no match, and options read from inside `options{}`.
@Suite struct WireFidelityTests {
    static let endpoint = try! OnSchedEndpoint(
        apiURL: URL(string: "https://api.example.com")!, tokenURL: URL(string: "https://id.example.com/connect/token")!)

    private func makeClient(
        _ api: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) -> (OnSchedClient, ScriptedHTTPTransport) {
        let transport = ScriptedHTTPTransport { request, _ in
            if request.url.path.hasSuffix("/connect/token") {
                return .json(#"{"access_token":"tok","expires_in":3600}"#)
            }
            return try await api(request)
        }
        let client = OnSchedClient(
            endpoint: Self.endpoint, credentials: ClientCredentials(id: "sbox-1", secret: "s"),
            transport: transport, rateLimiter: RateLimiter(rate: 1_000, burst: 100, clock: FakeClock()),
            retryPolicy: RetryPolicy(maxRetries: 0), clock: FakeClock())
        return (client, transport)
    }

    private func apiRequests(_ t: ScriptedHTTPTransport) -> [HTTPRequest] {
        t.requests.filter { !$0.url.path.hasSuffix("/connect/token") }
    }

    private static func query(_ r: HTTPRequest) -> [String: String] {
        let items = URLComponents(url: r.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
    }

    /// The first resource of a bulk body, as JSON.
    private static func firstItem(_ r: HTTPRequest) throws -> [String: Any] {
        let data = try #require(r.body)
        let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let items = try #require(body["resources"] as? [[String: Any]])
        return try #require(items.first)
    }

    @Test func createSendsServiceIdsAsStringsAndThePreferredPhoneType() async throws {
        let (client, transport) = makeClient { _ in .json(#"[{"id":"1","name":"Pat","email":"pat@example.com"}]"#) }
        let payload = ResourcePayload(
            name: "Pat", email: "pat@example.com", contact: ResourceContact(mobilePhone: "555", phoneType: "mobile"),
            serviceIds: [84325, 7], options: ResourceOptions(displayColor: "#ff0000"))
        _ = try await client.bulkCreate([payload])
        let request = try #require(apiRequests(transport).first)
        let item = try Self.firstItem(request)
        #expect(item["serviceIds"] as? [String] == ["84325", "7"])
        let contact = try #require(item["contact"] as? [String: Any])
        #expect(contact["preferredPhoneType"] as? String == "mobile")
        #expect(contact["phoneType"] == nil)
        #expect((item["options"] as? [String: Any])?["displayColor"] as? String == "#ff0000")
        #expect(item["displayColor"] == nil)
    }

    @Test func anUpdateOfAnIdOnlyRowCarriesTheTenantsNameAndEmail() async throws {
        let (client, transport) = makeClient { _ in .json(#"[{"id":"38335","name":"Pat","email":"pat@example.com"}]"#) }
        var tenant = Resource(id: "38335", name: "Pat Tenant", email: "pat@example.com")
        tenant.locationId = "2"
        let row = ResourcePayload(id: "38335", locationId: "2", description: "new desk")
        #expect(!row.hasIdentity)
        let filled = row.withIdentity(of: tenant)
        #expect(filled.hasIdentity)
        // A value the row gives wins over the tenant's.
        #expect(ResourcePayload(name: "Row Name").withIdentity(of: tenant).name == "Row Name")
        _ = try await client.bulkUpdate([filled])
        let request = try #require(apiRequests(transport).first)
        #expect(request.method == .put)
        let item = try Self.firstItem(request)
        #expect(item["id"] as? String == "38335")
        #expect(item["name"] as? String == "Pat Tenant")
        #expect(item["email"] as? String == "pat@example.com")
        #expect(item["description"] as? String == "new desk")
        #expect(item["locationId"] == nil)
    }

    @Test func aLookUpPassesTheRowsLocationAndReadsA404AsNoMatch() async throws {
        let (client, transport) = makeClient { _ in .json(#"{"message":"Resource was not found"}"#, status: 404) }
        let found = try await client.findResources(email: "pat@example.com", locationId: "loc-2")
        #expect(found.isEmpty)
        let requests = apiRequests(transport)
        #expect(requests.count == 1)
        let first = try #require(requests.first)
        let q = Self.query(first)
        #expect(q["locationId"] == "loc-2")
        #expect(q["email"] == "pat@example.com")
    }

    @Test func a404OnAnUnfilteredListIsStillAnError() async throws {
        let (client, _) = makeClient { _ in .json(#"{"message":"Not found"}"#, status: 404) }
        let error = await #expect(throws: OnSchedError.self) {
            try await client.listResources { _ in }
        }
        #expect(error?.status == 404)
    }

    @Test func theListAndGetCarryTheReturnURLsWhenGiven() async throws {
        let (client, transport) = makeClient { request in
            request.url.path.hasSuffix("/resources")
                ? .json(#"{"object":"list","hasMore":false,"count":0,"data":[]}"#)
                : .json(#"{"id":"5","name":"N","email":"n@example.com"}"#)
        }
        let urls = ReturnURLs(google: "https://intranet.example.com/ok", outlook: "https://intranet.example.com/ms")
        try await client.listResources(returnURLs: urls) { _ in }
        _ = try await client.getResource(id: "5", returnURLs: urls)
        for request in apiRequests(transport) {
            #expect(Self.query(request)["googleAuthReturnUrl"] == "https://intranet.example.com/ok")
            #expect(Self.query(request)["outlookAuthReturnUrl"] == "https://intranet.example.com/ms")
        }
    }

    @Test func anAnswerShapedAsTheOpenAPISaysIsReadWhole() throws {
        // Options only inside `options`, the phone type as `phoneType` plus `phone{}`, int service ids.
        let json = ##"""
        {"object":"resource","id":"38335","locationId":"2","name":"Pat","email":"pat@example.com",
         "googleCalendarId":"pat@gmail.com","googleCalendarAuthorized":false,
         "contact":{"mobilePhone":"555","phoneType":"mobile","phone":{"mobilePhone":"555"}},
         "services":[{"object":"service","serviceId":84325,"serviceName":"Intro"}],
         "options":{"displayColor":"#00ff00","calendarAvailability":1,"sortKey":3,"ignoreBusinessHours":true,
                    "hourly":12.5,"googleCalendarId":"pat@gmail.com","outlookCalendarId":null}}
        """##
        let r = try JSONDecoder().decode(Resource.self, from: Data(json.utf8))
        #expect(r.displayColor == "#00ff00")
        #expect(r.calendarAvailability == 1)
        #expect(r.sortKey == 3)
        #expect(r.ignoreBusinessHours == true)
        #expect(r.hourly == 12.5)
        #expect(r.googleCalendarId == "pat@gmail.com")
        #expect(r.contact?.phoneType == "mobile")
        #expect(r.serviceIds == [84325])
        let flat = ResourceFlattener.values(of: r)
        #expect(flat[.displayColor] == "#00ff00")
        #expect(flat[.phoneType] == "mobile")
        #expect(flat[.serviceIds] == "84325")
    }

    @Test func optionsFallBackToTheTopLevel() throws {
        let json = ##"{"id":"1","displayColor":"#123456","calendarAvailability":2,"outlookCalendarId":"a@outlook.com"}"##
        let r = try JSONDecoder().decode(Resource.self, from: Data(json.utf8))
        #expect(r.displayColor == "#123456")
        #expect(r.calendarAvailability == 2)
        #expect(r.outlookCalendarId == "a@outlook.com")
    }

    @Test func aPayloadReadsBackWhicheverSpellingItWasWrittenIn() throws {
        let old = #"{"name":"P","serviceIds":[1,"2"],"contact":{"phoneType":"home"}}"#
        let p = try JSONDecoder().decode(ResourcePayload.self, from: Data(old.utf8))
        #expect(p.serviceIds == [1, 2])
        #expect(p.contact?.phoneType == "home")
        let again = try JSONDecoder().decode(ResourcePayload.self, from: try JSONEncoder().encode(p))
        #expect(again == p)
    }

    @Test func theTimeZoneListIsRead() async throws {
        let (client, transport) = makeClient { _ in
            .json(#"[{"timezoneId":"W. Europe Standard Time","timezoneIana":"Europe/Berlin","displayName":"(UTC+01:00) Berlin","baseUtcOffset":"01:00:00"}]"#)
        }
        let zones = try await client.timeZones()
        #expect(zones == [TimeZoneEntry(timezoneId: "W. Europe Standard Time", timezoneIana: "Europe/Berlin", displayName: "(UTC+01:00) Berlin")])
        #expect(apiRequests(transport).first?.url.path == "/setup/v1/resources/timezones")
    }
}
