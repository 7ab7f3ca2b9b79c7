import Foundation
import Testing
@testable import OnSchedEmulator

/// The Setup API resource endpoints of onsched-api.md, over raw HTTP.
@Suite struct ResourceEndpointTests {
    let emulator: TestEmulator
    let token: String

    init() throws {
        emulator = try TestEmulator()
        token = try emulator.token()
    }

    func call(_ method: String, _ path: String, _ body: String? = nil) throws -> RawResponse {
        try emulator.call(method, path, body: body, token: token)
    }

    @Test func createGetAndUpdateOne() throws {
        let created = try call("POST", "/setup/v1/resources", """
            {"name":"Pat Lee","email":"pat@example.com","groupId":"12","serviceIds":["3","4"],
             "address":{"city":"Oslo"},"contact":{"mobilePhone":"+47 1"},"customFields":{"field3":"x"},
             "options":{"sortKey":5,"bioLink":"https://b"},"somethingUnknown":true}
            """)
        #expect(created.status == 200)
        let view = created.object
        #expect(view["object"] as? String == "resource")
        let id = try #require(view["id"] as? String)
        #expect(Int(id) != nil)
        #expect(view["groupId"] as? Int == 12)
        #expect(view["locationId"] as? String == "1")
        #expect((view["address"] as? [String: Any])?["city"] as? String == "Oslo")
        #expect((view["customFields"] as? [String: Any])?["field3"] as? String == "x")
        #expect(view["sortKey"] as? Int == 5)
        #expect(view["deletedStatus"] as? Bool == false)
        let services = try #require(view["services"] as? [[String: Any]])
        #expect(services.count == 2 && services[0]["object"] as? String == "service")
        #expect(services.map { $0["serviceId"] as? Int } == [3, 4])  // ints on output

        let fetched = try call("GET", "/setup/v1/resources/\(id)")
        #expect(fetched.status == 200 && fetched.object["email"] as? String == "pat@example.com")

        let updated = try call("PUT", "/setup/v1/resources/\(id)", #"{"description":"new","address":{"country":"NO"}}"#)
        #expect(updated.status == 200)
        #expect(updated.object["description"] as? String == "new")
        #expect(updated.object["name"] as? String == "Pat Lee")  // untouched
        let address = updated.object["address"] as? [String: Any]
        #expect(address?["city"] as? String == "Oslo" && address?["country"] as? String == "NO")
        #expect(try call("GET", "/setup/v1/resources/99999999").status == 404)
        #expect(try call("PUT", "/setup/v1/resources/99999999", #"{"name":"x"}"#).status == 404)
        #expect(try call("GET", "/setup/v1/resources/abc").status == 404)
    }

    @Test func idsIncrease() throws {
        let a = try call("POST", "/setup/v1/resources", #"{"name":"A","email":"a@example.com"}"#).object["id"] as? String
        let b = try call("POST", "/setup/v1/resources", #"{"name":"B","email":"b@example.com"}"#).object["id"] as? String
        #expect(Int(a ?? "") ?? 0 < Int(b ?? "") ?? 0)
    }

    @Test func createRequiresNameAndEmailWithAFieldMap() throws {
        let response = try call("POST", "/setup/v1/resources", #"{"description":"no name"}"#)
        #expect(response.status == 400)
        #expect(response.object["Name"] as? [String] == ["The Name field is required."])
        #expect(response.object["Email"] as? [String] == ["The Email field is required."])
        let bad = try call("POST", "/setup/v1/resources", #"{"name":"X","email":"not-an-email"}"#)
        #expect(bad.object["Email"] as? [String] == ["The Email field is not a valid e-mail address."])
        #expect(try call("POST", "/setup/v1/resources", "{not json").status == 400)
    }

    @Test func listPagesInIdOrder() throws {
        #expect(try call("POST", "/setup/v1/resources/bulk", bulkBody(45)).status == 200)
        var seen: [String] = []
        var offset = 0
        while true {
            let page = try call("GET", "/setup/v1/resources?offset=\(offset)&limit=20")
            #expect(page.status == 200)
            #expect(page.object["object"] as? String == "list")
            #expect(page.object["url"] as? String == "/setup/v1/resources")
            #expect(page.object["total"] as? Int == 45)
            let data = page.object["data"] as? [[String: Any]] ?? []
            #expect(page.object["count"] as? Int == data.count)
            seen += data.compactMap { $0["id"] as? String }
            offset += data.count
            guard page.object["hasMore"] as? Bool == true else { break }
        }
        #expect(seen.count == 45)
        #expect(seen.compactMap(Int.init) == seen.compactMap(Int.init).sorted())
        let defaultPage = try call("GET", "/setup/v1/resources")
        #expect(defaultPage.object["count"] as? Int == 20)
    }

    @Test func listFiltersByEmailCaseInsensitively() throws {
        _ = try call("POST", "/setup/v1/resources/bulk", bulkBody(5))
        let found = try call("GET", "/setup/v1/resources?email=PERSON3%40Example.COM")
        let data = found.object["data"] as? [[String: Any]] ?? []
        #expect(data.count == 1)
        #expect(data.first?["email"] as? String == "person3@example.com")
        let none = try call("GET", "/setup/v1/resources?email=person3@example.co")
        #expect(none.status == 404)
        #expect(none.object["error"] as? String == "Resource was not found")
        let byName = try call("GET", "/setup/v1/resources?name=Person%204")
        #expect(byName.object["total"] as? Int == 1)
    }

    @Test(arguments: ["limit=101", "limit=0", "limit=x", "offset=-1", "deleted=maybe"])
    func badListParametersAre400(_ query: String) throws {
        let response = try call("GET", "/setup/v1/resources?\(query)")
        #expect(response.status == 400)
        #expect(response.object["error"] is String)
    }

    @Test func listHidesDeletedUnlessAsked() throws {
        _ = try emulator.admin("POST", "/emulator/seed", body: """
            {"resources":[{"name":"Gone","email":"gone@example.com","deletedStatus":true},{"name":"Here","email":"here@example.com"}]}
            """)
        #expect(try call("GET", "/setup/v1/resources").object["total"] as? Int == 1)
        let deleted = try call("GET", "/setup/v1/resources?deleted=true")
        #expect((deleted.object["data"] as? [[String: Any]])?.first?["name"] as? String == "Gone")
    }

    @Test func bulkCreateAndUpdateAnswerBareArrays() throws {
        let created = try call("POST", "/setup/v1/resources/bulk", bulkBody(3))
        #expect(created.status == 200)
        #expect(created.text.hasPrefix("["))
        let ids = created.array.compactMap { $0["id"] as? String }
        #expect(ids.count == 3)
        let update = "{\"resources\":[" + ids.enumerated().map { i, id in
            "{\"id\":\"\(id)\",\"name\":\"Person \(i)\",\"email\":\"person\(i)@example.com\",\"description\":\"d\(i)\"}"
        }.joined(separator: ",") + "]}"
        let updated = try call("PUT", "/setup/v1/resources/bulk", update)
        #expect(updated.status == 200)
        #expect(updated.array.map { $0["description"] as? String } == ["d0", "d1", "d2"])
        #expect(updated.array.map { $0["name"] as? String } == ["Person 0", "Person 1", "Person 2"])
        let stats = try emulator.admin("GET", "/emulator/stats").object
        #expect(stats["bulkCreateCalls"] as? Int == 1 && stats["bulkUpdateCalls"] as? Int == 1)
        #expect(stats["creates"] as? Int == 3 && stats["updates"] as? Int == 3)
    }

    @Test func bulkOfMoreThan100Is400() throws {
        let response = try call("POST", "/setup/v1/resources/bulk", bulkBody(101))
        #expect(response.status == 400)
        #expect((response.object["error"] as? String)?.contains("100") == true)
        #expect(try call("POST", "/setup/v1/resources/bulk", bulkBody(100)).status == 200)
    }

    @Test func bulkIsAllOrNothingWithTheIndexInTheFieldMap() throws {
        let body = """
            {"resources":[{"name":"Ok","email":"ok@example.com"},{"name":"","email":"bad"},{"name":"Ok2","email":"ok2@example.com"}]}
            """
        let response = try call("POST", "/setup/v1/resources/bulk", body)
        #expect(response.status == 400)
        #expect(response.object["resources[1].Name"] as? [String] == ["The Name field is required."])
        #expect(response.object["resources[1].Email"] as? [String] == ["The Email field is not a valid e-mail address."])
        #expect(try emulator.admin("GET", "/emulator/resources").array.isEmpty)
    }

    @Test func bulkUpdateOfUnknownIdIs400AndAppliesNothing() throws {
        let id = try #require(call("POST", "/setup/v1/resources/bulk", bulkBody(1)).array.first?["id"] as? String)
        let response = try call("PUT", "/setup/v1/resources/bulk",
                                "{\"resources\":[{\"id\":\"\(id)\",\"name\":\"Changed\",\"email\":\"c@example.com\"},{\"id\":\"123\",\"name\":\"X\",\"email\":\"x@example.com\"}]}")
        #expect(response.status == 400)
        #expect(response.object["error"] as? String == "resources[1]: Resource 123 not found")
        #expect(try call("GET", "/setup/v1/resources/\(id)").object["name"] as? String == "Person 0")
        let noId = try call("PUT", "/setup/v1/resources/bulk", #"{"resources":[{"name":"X"}]}"#)
        #expect(noId.status == 400)
    }

    @Test func bothCalendarsAre400() throws {
        let body = """
            {"resources":[{"name":"A","email":"a@example.com"},{"name":"B","email":"b@example.com",
             "options":{"googleCalendarId":"b@gmail.com","outlookCalendarId":"b@outlook.com"}}]}
            """
        let response = try call("POST", "/setup/v1/resources/bulk?googleAuthReturnUrl=https%3A%2F%2Fx.test&outlookAuthReturnUrl=https%3A%2F%2Fx.test", body)
        #expect(response.status == 400)
        #expect(response.object["error"] as? String == "resources[1]: googleCalendarId and outlookCalendarId cannot both be set")
    }

    @Test func calendarIdNeedsItsReturnUrl() throws {
        let body = #"{"name":"G","email":"g@example.com","options":{"googleCalendarId":"g@gmail.com","calendarAvailability":1}}"#
        let missing = try call("POST", "/setup/v1/resources", body)
        #expect(missing.status == 400)
        #expect(missing.object["error"] as? String == "googleAuthReturnUrl query parameter is required when googleCalendarId is set")
        let outlook = try call("POST", "/setup/v1/resources?googleAuthReturnUrl=https%3A%2F%2Fx.test",
                               #"{"name":"O","email":"o@example.com","options":{"outlookCalendarId":"o@outlook.com"}}"#)
        #expect(outlook.status == 400)
        #expect((outlook.object["error"] as? String)?.contains("outlookAuthReturnUrl") == true)
    }

    @Test func topLevelCalendarIdIsIgnoredOnInput() throws {
        let response = try call("POST", "/setup/v1/resources", #"{"name":"T","email":"t@example.com","googleCalendarId":"t@gmail.com"}"#)
        #expect(response.status == 200)
        #expect(response.object["googleCalendarId"] is NSNull)
    }

    @Test func authUrlsCarryTheReturnUrl() throws {
        let returnUrl = "https://example.com/profile?x=1&y=2"
        let encoded = returnUrl.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let google = try call("POST", "/setup/v1/resources?googleAuthReturnUrl=\(encoded)",
                              #"{"name":"G","email":"g@example.com","options":{"googleCalendarId":"g.person@gmail.com","calendarAvailability":1}}"#)
        #expect(google.status == 200)
        #expect(google.object["googleCalendarAuthorized"] as? Bool == false)
        #expect(google.object["googleCalendarId"] as? String == "g.person@gmail.com")
        #expect(google.object["calendarAvailability"] as? Int == 1)
        let id = try #require(google.object["id"] as? String)
        let linkText = try #require(google.object["googleCalendarAuthUrl"] as? String)
        let link = try #require(URLComponents(string: linkText))
        #expect(link.host == "accounts.google.com" && link.path == "/o/oauth2/auth")
        let items = Dictionary(uniqueKeysWithValues: (link.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(items["state"] == "resourceId=\(id);returnUrl=\(returnUrl)")
        #expect(items["login_hint"] == "g.person@gmail.com")
        #expect(items["redirect_uri"] == "https://app.onsched.com/app/GoogleCallback.aspx")
        #expect(items["access_type"] == "offline")

        let outlook = try call("POST", "/setup/v1/resources?outlookAuthReturnUrl=\(encoded)",
                               #"{"name":"O","email":"o@example.com","options":{"outlookCalendarId":"o@outlook.com","calendarAvailability":2}}"#)
        let outlookText = try #require(outlook.object["outlookCalendarAuthUrl"] as? String)
        let outlookLink = try #require(URLComponents(string: outlookText))
        #expect(outlookLink.host == "login.microsoftonline.com")
        let outlookItems = Dictionary(uniqueKeysWithValues: (outlookLink.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(outlookItems["scope"] == "https://graph.microsoft.com/Calendars.ReadWrite offline_access")
        #expect(outlookItems["state"]?.hasSuffix(";returnUrl=\(returnUrl)") == true)
        #expect(outlook.object["googleCalendarAuthUrl"] is NSNull)
    }

    @Test func authorizeEndpointAndCalendarIdChange() throws {
        let created = try call("POST", "/setup/v1/resources?googleAuthReturnUrl=https%3A%2F%2Fr.test",
                               #"{"name":"G","email":"g@example.com","options":{"googleCalendarId":"g@gmail.com"}}"#)
        let id = try #require(created.object["id"] as? String)
        let authorized = try emulator.admin("POST", "/emulator/authorize/\(id)")
        #expect(authorized.status == 200)
        #expect(authorized.object["googleCalendarAuthorized"] as? Bool == true)
        #expect(authorized.object["googleCalendarAuthUrl"] is NSNull)
        #expect(try call("GET", "/setup/v1/resources/\(id)").object["googleCalendarAuthorized"] as? Bool == true)
        // Changing the calendar id takes the authorization away.
        let changed = try call("PUT", "/setup/v1/resources/\(id)?googleAuthReturnUrl=https%3A%2F%2Fr.test",
                               #"{"options":{"googleCalendarId":"other@gmail.com"}}"#)
        #expect(changed.object["googleCalendarAuthorized"] as? Bool == false)
        #expect(changed.object["googleCalendarAuthUrl"] is String)
        #expect(try emulator.admin("POST", "/emulator/authorize/999999").status == 404)
    }

    @Test func calendarAuthEndpoint() throws {
        let id = try #require(call("POST", "/setup/v1/resources/bulk", bulkBody(1)).array.first?["id"] as? String)
        let google = try call("GET", "/setup/v1/resources/\(id)/calendar/auth/google/pat%40gmail.com?googleAuthReturnUrl=https%3A%2F%2Fback.test%2Fp")
        #expect(google.status == 200)
        #expect(google.object["object"] as? String == "calendarAuth")
        #expect(google.object["calendarId"] as? String == "pat@gmail.com")
        let link = try #require(URLComponents(string: google.object["calendarAuthUrl"] as? String ?? ""))
        #expect(link.queryItems?.first(where: { $0.name == "state" })?.value == "resourceId=\(id);returnUrl=https://back.test/p")
        let outlook = try call("GET", "/setup/v1/resources/\(id)/calendar/auth/outlook/pat@outlook.com?outlookAuthReturnUrl=https%3A%2F%2Fback.test")
        #expect(outlook.status == 200)
        #expect((outlook.object["calendarAuthUrl"] as? String)?.hasPrefix("https://login.microsoftonline.com/") == true)
        // The return URL is optional (onsched-api.md, new): without it the link is still answered.
        #expect(try call("GET", "/setup/v1/resources/\(id)/calendar/auth/google/pat@gmail.com").status == 200)
        #expect(try call("GET", "/setup/v1/resources/999999/calendar/auth/google/pat@gmail.com?googleAuthReturnUrl=https%3A%2F%2Fb.test").status == 404)
    }

    @Test func seedResetAndAdminListing() throws {
        let seeded = try emulator.admin("POST", "/emulator/seed", body: """
            {"resources":[{"id":"500","name":"S","email":"s@example.com","googleCalendarId":"s@gmail.com",
              "googleCalendarAuthorized":true,"calendarAvailability":1}]}
            """)
        #expect(seeded.status == 200)
        #expect(seeded.array.first?["id"] as? String == "500")
        let view = try call("GET", "/setup/v1/resources/500").object
        #expect(view["googleCalendarId"] as? String == "s@gmail.com")
        #expect(view["googleCalendarAuthorized"] as? Bool == true)
        #expect(view["calendarAvailability"] as? Int == 1)
        #expect(try emulator.admin("GET", "/emulator/resources").array.count == 1)
        #expect(try emulator.admin("POST", "/emulator/reset").status == 200)
        #expect(try emulator.admin("GET", "/emulator/resources").array.isEmpty)
    }

    @Test func roundTripOfAView() throws {
        let created = try call("POST", "/setup/v1/resources?googleAuthReturnUrl=https%3A%2F%2Fr.test", """
            {"name":"R","email":"r@example.com","timezoneId":"Europe/Oslo","options":{"googleCalendarId":"r@gmail.com",
             "calendarAvailability":1,"hourly":12.5,"ignoreBusinessHours":true},"availability":{"mon":{"startTime":900,"endTime":1700}}}
            """)
        #expect(created.status == 200)
        let other = try TestEmulator()
        let reseeded = try other.admin("POST", "/emulator/seed", body: "{\"resources\":[\(created.text)]}")
        #expect(reseeded.status == 200)
        let copy = try #require(reseeded.array.first)
        for key in ["id", "name", "email", "timezoneId", "googleCalendarId", "calendarAvailability", "hourly", "ignoreBusinessHours"] {
            #expect("\(copy[key] ?? "nil")" == "\(created.object[key] ?? "nil")", "\(key)")
        }
        #expect((copy["availability"] as? [String: [String: Int]])?["mon"]?["startTime"] == 900)
    }
}
