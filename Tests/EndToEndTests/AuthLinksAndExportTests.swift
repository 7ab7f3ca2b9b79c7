import Foundation
import Testing
import TestSupport

/// `auth-links` and `export` against the emulator, calm and hostile.
@Suite struct AuthLinksAndExportTests {
    /// 60 resources: a third Google, a third Outlook, a third without a calendar; every fourth
    /// calendar authorized. Their stored links carry a stale return URL, so a link with the
    /// command line's return URL can only come from the calendar/auth endpoint.
    static func seed(_ emulator: LoopbackEmulator, count: Int = 60) throws -> [[String: Any]] {
        var resources: [[String: Any]] = []
        for i in 0..<count {
            var r: [String: Any] = ["name": "Person \(i)", "email": "al\(i)@example.com"]
            switch i % 3 {
            case 0:
                r["googleCalendarId"] = "al\(i)@gmail.com"
                r["googleAuthReturnUrl"] = "https://stale.example.com/old"
                r["calendarAvailability"] = 1
            case 1:
                r["outlookCalendarId"] = "al\(i)@outlook.com"
                r["outlookAuthReturnUrl"] = "https://stale.example.com/old"
                r["calendarAvailability"] = 2
            default: break
            }
            resources.append(r)
        }
        let seeded = try emulator.seed(resources)
        for (i, r) in seeded.enumerated() where i % 3 != 2 && (i / 3) % 4 == 0 {
            try emulator.authorize(r["id"] as! String)
        }
        return try emulator.resources()
    }

    static func calendar(of r: [String: Any]) -> (provider: String, id: String, authorized: Bool)? {
        if let g = r["googleCalendarId"] as? String, !g.isEmpty { return ("google", g, r["googleCalendarAuthorized"] as? Bool ?? false) }
        if let o = r["outlookCalendarId"] as? String, !o.isEmpty { return ("outlook", o, r["outlookCalendarAuthorized"] as? Bool ?? false) }
        return nil
    }

    /// Checks the links file against the emulator's resources: exactly the expected ids, each
    /// row's link fresh from the endpoint with the right return URL.
    static func expectLinks(_ table: CSVTable, resources: [[String: Any]], all: Bool,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = resources.filter { r in calendar(of: r).map { all || !$0.authorized } ?? false }
        let byId = Dictionary(uniqueKeysWithValues: resources.map { ($0["id"] as! String, $0) })
        #expect(table.header == reportColumns, sourceLocation: sourceLocation)
        let ids = table.rows.map { $0[3] }
        #expect(ids.count == Set(ids).count, "each resource once", sourceLocation: sourceLocation)
        #expect(Set(ids) == Set(expected.map { $0["id"] as! String }), sourceLocation: sourceLocation)
        for (i, row) in table.rows.enumerated() {
            guard let r = byId[row[3]], let cal = calendar(of: r) else {
                Issue.record("row \(i + 1) names no calendar resource: \(row)", sourceLocation: sourceLocation)
                continue
            }
            let link = decoded(table.cell(i, "authUrl") ?? "")
            let returnURL = cal.provider == "google" ? googleReturn : outlookReturn
            #expect(table.cell(i, "provider") == cal.provider, sourceLocation: sourceLocation)
            #expect(table.cell(i, "calendarId") == cal.id, sourceLocation: sourceLocation)
            #expect(table.cell(i, "authorized") == (cal.authorized ? "true" : "false"), sourceLocation: sourceLocation)
            #expect(link.contains("returnUrl=\(returnURL)"), "fresh link with the return URL: \(link)", sourceLocation: sourceLocation)
            #expect(link.contains("resourceId=\(row[3])"), sourceLocation: sourceLocation)
            #expect(link.contains("login_hint=\(cal.id)"), sourceLocation: sourceLocation)
            #expect(!link.contains("stale.example.com"), sourceLocation: sourceLocation)
        }
    }

    @Test func authLinksListsTheUnauthorizedCalendarsWithFreshLinks() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let resources = try Self.seed(emulator)
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()

        let result = try cli.run(["auth-links", "--out", "links.csv", "--rate", "100"] + returnOptions + emulator.apiArguments)
        #expect(result.status == 0, "\(result)")
        let links = try cli.table("links.csv")
        #expect(links.rows.count == 30, "40 calendars, 10 of them authorized")
        Self.expectLinks(links, resources: resources, all: false)
        #expect(links.rows.map { $0[0] } == (1...links.rows.count).map(String.init))

        let all = try cli.run(["auth-links", "--out", "all.csv", "--all", "--rate", "100"] + returnOptions + emulator.apiArguments)
        #expect(all.status == 0, "\(all)")
        let allLinks = try cli.table("all.csv")
        #expect(allLinks.rows.count == 40)
        Self.expectLinks(allLinks, resources: resources, all: true)
    }

    @Test func exportAndAuthLinksWriteOnlyDataToStandardOutput() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let resources = try Self.seed(emulator)
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()

        let export = try cli.run(["export", "--out", "-", "--format", "jsonl", "--rate", "100"] + emulator.apiArguments)
        #expect(export.status == 0, "\(export)")
        let lines = export.out.split(separator: "\n")
        #expect(lines.count == resources.count)
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count, "every line a JSON object")
        #expect(Set(objects.compactMap { $0["id"] as? String }) == Set(resources.map { $0["id"] as! String }))
        #expect(export.err.contains("export done"), "the summary goes to standard error: \(export.err)")

        let links = try cli.run(["auth-links", "--out", "-", "--rate", "100"] + returnOptions + emulator.apiArguments)
        #expect(links.status == 0, "\(links)")
        Self.expectLinks(CSVTable(parsing: links.out), resources: resources, all: false)
        #expect(cli.allFiles().isEmpty, "nothing written to disk: \(cli.allFiles())")
    }

    @Test(.enabled(if: LongTests.enabled, "a real-time soak test: set RESOURCE_BATCH_LONG_TESTS=1 to run it")) func exportAndAuthLinksCopeWithFaultsAndThrottling() throws {
        let emulator = try LoopbackEmulator(rateLimit: 20, faults: "error=0.1,throttle=0.1,reset=0.05", seed: 11)
        defer { emulator.stop() }
        let resources = try Self.seed(emulator, count: 250)
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let api = ["--rate", "50", "--max-retries", "10", "--quiet"] + emulator.apiArguments

        let export = try cli.run(["export", "--out", "export.csv"] + api)
        #expect(export.status == 0, "\(export)")
        let table = try cli.table("export.csv")
        let ids = table.rows.map { $0[table.column("id")!] }
        #expect(ids.count == 250, "every resource exported once")
        #expect(Set(ids) == Set(resources.map { $0["id"] as! String }))

        let links = try cli.run(["auth-links", "--out", "links.csv"] + returnOptions + api)
        #expect(links.status == 0, "\(links)")
        Self.expectLinks(try cli.table("links.csv"), resources: resources, all: false)
        #expect((try emulator.stats()["faults"] ?? 0) > 0)
    }
}
