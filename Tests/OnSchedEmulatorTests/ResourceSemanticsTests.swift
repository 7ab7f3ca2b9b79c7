import Foundation
import Testing
@testable import OnSchedEmulator

/// Merge rules of updates and the list filters beyond e-mail.
@Suite struct ResourceSemanticsTests {
    let emulator: TestEmulator
    let token: String

    init() throws {
        emulator = try TestEmulator()
        token = try emulator.token()
    }

    func call(_ method: String, _ path: String, _ body: String? = nil) throws -> RawResponse {
        try emulator.call(method, path, body: body, token: token)
    }

    @Test func nullLeavesAFieldAndEmptyStringClearsACalendar() throws {
        let created = try call("POST", "/setup/v1/resources?googleAuthReturnUrl=https%3A%2F%2Fr.test", """
            {"name":"M","email":"m@example.com","description":"keep","options":{"googleCalendarId":"m@gmail.com","calendarAvailability":1}}
            """)
        let id = try #require(created.object["id"] as? String)
        // null and absent fields change nothing; options merge field by field.
        let merged = try call("PUT", "/setup/v1/resources/\(id)", #"{"description":null,"options":{"sortKey":9,"googleCalendarId":null}}"#)
        #expect(merged.status == 200)
        #expect(merged.object["description"] as? String == "keep")
        #expect(merged.object["googleCalendarId"] as? String == "m@gmail.com")
        #expect(merged.object["calendarAvailability"] as? Int == 1)
        #expect(merged.object["sortKey"] as? Int == 9)
        // "" clears the calendar id, which then needs no return URL.
        let cleared = try call("PUT", "/setup/v1/resources/\(id)", #"{"options":{"googleCalendarId":"","calendarAvailability":0}}"#)
        #expect(cleared.status == 200)
        #expect(cleared.object["googleCalendarId"] is NSNull)
        #expect(cleared.object["googleCalendarAuthUrl"] is NSNull)
    }

    @Test func switchingProviderNeedsTheOtherCleared() throws {
        let created = try call("POST", "/setup/v1/resources?googleAuthReturnUrl=https%3A%2F%2Fr.test",
                               #"{"name":"S","email":"s@example.com","options":{"googleCalendarId":"s@gmail.com"}}"#)
        let id = try #require(created.object["id"] as? String)
        let both = try call("PUT", "/setup/v1/resources/\(id)?outlookAuthReturnUrl=https%3A%2F%2Fr.test",
                            #"{"options":{"outlookCalendarId":"s@outlook.com"}}"#)
        #expect(both.status == 400)
        #expect(both.object["error"] as? String == "googleCalendarId and outlookCalendarId cannot both be set")
        let switched = try call("PUT", "/setup/v1/resources/\(id)?outlookAuthReturnUrl=https%3A%2F%2Fr.test",
                                #"{"options":{"outlookCalendarId":"s@outlook.com","googleCalendarId":""}}"#)
        #expect(switched.status == 200)
        #expect(switched.object["outlookCalendarAuthorized"] as? Bool == false)
        #expect((switched.object["outlookCalendarAuthUrl"] as? String)?.contains("login.microsoftonline.com") == true)
    }

    @Test func unchangedCalendarIdKeepsItsAuthorization() throws {
        let created = try call("POST", "/setup/v1/resources?googleAuthReturnUrl=https%3A%2F%2Fr.test",
                               #"{"name":"K","email":"k@example.com","options":{"googleCalendarId":"k@gmail.com"}}"#)
        let id = try #require(created.object["id"] as? String)
        _ = try emulator.admin("POST", "/emulator/authorize/\(id)")
        let again = try call("PUT", "/setup/v1/resources/\(id)?googleAuthReturnUrl=https%3A%2F%2Fr.test",
                             #"{"options":{"googleCalendarId":"K@gmail.com"}}"#)
        #expect(again.object["googleCalendarAuthorized"] as? Bool == true)
    }

    @Test func listFiltersByLocationAndGroup() throws {
        _ = try call("POST", "/setup/v1/resources", #"{"name":"Here","email":"h@example.com","groupId":"4"}"#)
        _ = try call("POST", "/setup/v1/resources", #"{"name":"There","email":"t@example.com","locationId":"77"}"#)
        #expect(try call("GET", "/setup/v1/resources").object["total"] as? Int == 1)
        let there = try call("GET", "/setup/v1/resources?locationId=77")
        #expect((there.object["data"] as? [[String: Any]])?.first?["name"] as? String == "There")
        #expect(try call("GET", "/setup/v1/resources?resourceGroupId=4").object["total"] as? Int == 1)
        #expect(try call("GET", "/setup/v1/resources?resourceGroupId=5").object["total"] as? Int == 0)
        // locationId is create-only: an update does not move the resource.
        let id = try #require((there.object["data"] as? [[String: Any]])?.first?["id"] as? String)
        let moved = try call("PUT", "/setup/v1/resources/\(id)", #"{"locationId":"1"}"#)
        #expect(moved.object["locationId"] as? String == "77")
    }

    @Test func invalidReturnUrlIs400() throws {
        let response = try call("POST", "/setup/v1/resources?googleAuthReturnUrl=profile",
                                #"{"name":"U","email":"u@example.com","options":{"googleCalendarId":"u@gmail.com"}}"#)
        #expect(response.status == 400)
        #expect((response.object["error"] as? String)?.contains("googleAuthReturnUrl") == true)
    }

    @Test func validationCollectsEveryProblemOfAResource() throws {
        let response = try call("POST", "/setup/v1/resources/bulk", """
            {"resources":[{"email":"bad","options":{"googleCalendarId":"not-mail","calendarAvailability":5}}]}
            """)
        #expect(response.status == 400)
        let keys = Set(response.object.keys)
        #expect(keys.isSuperset(of: ["resources[0].Name", "resources[0].Email", "resources[0].Options.GoogleCalendarId",
                                     "resources[0].Options.CalendarAvailability"]))
    }
}
