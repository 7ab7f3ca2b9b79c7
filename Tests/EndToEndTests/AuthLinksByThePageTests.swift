import Foundation
import TestSupport
import Testing

/// `auth-links` as cli.md says since issue 14: links 100 at a time from the list asked with the
/// return URLs, and a refusal before anything is written when a needed return URL is missing.
@Suite struct AuthLinksByThePageTests {
    /// `count` people, Google and Outlook in turn, every tenth authorized, stale stored return URLs.
    static func seed(_ emulator: LoopbackEmulator, count: Int) throws -> [[String: Any]] {
        var resources: [[String: Any]] = []
        for i in 0..<count {
            var r: [String: Any] = ["name": "Person \(i)", "email": "p\(i)@example.com"]
            if i % 2 == 0 {
                r["googleCalendarId"] = "p\(i)@gmail.com"
                r["googleAuthReturnUrl"] = "https://stale.example.com/old"
                r["calendarAvailability"] = 1
                r["googleCalendarAuthorized"] = i % 10 == 0
            } else {
                r["outlookCalendarId"] = "p\(i)@outlook.com"
                r["outlookAuthReturnUrl"] = "https://stale.example.com/old"
                r["calendarAvailability"] = 2
                r["outlookCalendarAuthorized"] = i % 10 == 1
            }
            resources.append(r)
        }
        return try emulator.seed(resources)
    }

    /// The link the emulator's calendar/auth endpoint issues for a resource and return URL.
    static func emulatorLink(_ emulator: LoopbackEmulator, token: String, id: String, provider: String, calendarId: String,
                             returnURL: String) throws -> String {
        var query = CharacterSet.urlQueryAllowed
        query.remove(charactersIn: "&=+?/:")
        let parameter = provider == "google" ? "googleAuthReturnUrl" : "outlookAuthReturnUrl"
        let path = "/setup/v1/resources/\(id)/calendar/auth/\(provider)/\(calendarId)?\(parameter)="
            + returnURL.addingPercentEncoding(withAllowedCharacters: query)!
        let (status, body) = try LoopbackHTTP.request(port: emulator.port, method: "GET", path: path,
                                                      headers: ["Authorization": "Bearer \(token)"])
        guard status == 200, let object = try JSONSerialization.jsonObject(with: body) as? [String: Any],
              let link = object["calendarAuthUrl"] as? String else { throw E2EError("calendar/auth answered \(status)") }
        return link
    }

    static func token(_ emulator: LoopbackEmulator) throws -> String {
        let body = try JSONSerialization.data(withJSONObject: [
            "grant_type": "client_credentials", "client_id": LoopbackEmulator.clientId, "client_secret": LoopbackEmulator.clientSecret,
        ])
        let (status, answer) = try LoopbackHTTP.request(port: emulator.port, method: "POST", path: "/connect/token", body: body)
        guard status == 200, let token = (try JSONSerialization.jsonObject(with: answer) as? [String: Any])?["access_token"] as? String
        else { throw E2EError("token answered \(status)") }
        return token
    }

    @Test func aThousandPeopleTakeAtMostFifteenRequestsWithTheEmulatorsLinks() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let seeded = try Self.seed(emulator, count: 1_000)
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let before = try emulator.stats()["requests"] ?? 0
        let result = try cli.run(["auth-links", "--out", "links.csv", "--rate", "100"] + returnOptions + emulator.apiArguments)
        #expect(result.status == 0, "\(result)")
        let requests = (try emulator.stats()["requests"] ?? 0) - before
        #expect(requests <= 15, "a token and ten list pages, not one request per person: \(requests)")

        let table = try cli.table("links.csv")
        #expect(table.rows.count == 800, "1,000 calendars, 200 of them authorized")
        let byId = Dictionary(uniqueKeysWithValues: seeded.map { ($0["id"] as! String, $0) })
        let token = try Self.token(emulator)
        for i in 0..<table.rows.count {
            let id = try #require(table.cell(i, "id"))
            let provider = try #require(table.cell(i, "provider"))
            let calendarId = try #require(table.cell(i, "calendarId"))
            #expect(byId[id] != nil)
            let expected = try Self.emulatorLink(emulator, token: token, id: id, provider: provider, calendarId: calendarId,
                                                 returnURL: provider == "google" ? googleReturn : outlookReturn)
            #expect(table.cell(i, "authUrl") == expected, "row \(i + 1)")
        }
    }

    @Test func aMissingReturnURLIsRefusedBeforeAnythingIsWritten() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        _ = try Self.seed(emulator, count: 20)
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()

        let none = try cli.run(["auth-links", "--out", "links.csv"] + emulator.apiArguments)
        #expect(none.status == 2, "\(none)")
        #expect(none.err.contains("--google-return-url") && none.err.contains("--outlook-return-url"), "\(none.err)")
        #expect(try emulator.stats()["requests"] == 0, "nothing asked of the API")

        let googleOnly = try cli.run(["auth-links", "--out", "links.csv", "--google-return-url", googleReturn] + emulator.apiArguments)
        #expect(googleOnly.status == 2, "\(googleOnly)")
        #expect(googleOnly.err.contains("8 resources have an unauthorized Outlook calendar"), "\(googleOnly.err)")
        #expect(googleOnly.err.contains("--outlook-return-url"), "\(googleOnly.err)")
        #expect(!cli.exists("links.csv"), "nothing written")
        #expect(!googleOnly.err.contains("failed"), "no failed rows: \(googleOnly.err)")
    }
}
