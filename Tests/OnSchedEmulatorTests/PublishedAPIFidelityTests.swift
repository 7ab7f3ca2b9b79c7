import Foundation
import Testing
@testable import OnSchedEmulator

/// The **(new)** facts of onsched-api.md, as strict as the real API may be: string service ids,
/// `contact.preferredPhoneType` on input, options answered inside `options{}`, name and e-mail on
/// every bulk item, the list's location default and 404, links in the list when the return URLs
/// are given, the time zone list, and soft delete with recover.
@Suite struct PublishedAPIFidelityTests {
    let emulator: TestEmulator
    let token: String

    init() throws {
        emulator = try TestEmulator()
        token = try emulator.token()
    }

    func call(_ method: String, _ path: String, _ body: String? = nil) throws -> RawResponse {
        try emulator.call(method, path, body: body, token: token)
    }

    @Test func serviceIdsAreStringsAndNumbersAreRefusedNamingTheField() throws {
        let numbers = try call("POST", "/setup/v1/resources", #"{"name":"A","email":"a@example.com","serviceIds":[84325]}"#)
        #expect(numbers.status == 400)
        #expect(numbers.object["ServiceIds[0]"] is [String])
        let bulk = try call("POST", "/setup/v1/resources/bulk", #"{"resources":[{"name":"A","email":"a@example.com","serviceIds":["1",2]}]}"#)
        #expect(bulk.status == 400)
        #expect(bulk.object["resources[0].ServiceIds[1]"] is [String])
        let strings = try call("POST", "/setup/v1/resources", #"{"name":"A","email":"a@example.com","serviceIds":["84325"]}"#)
        #expect(strings.status == 200)
        #expect((strings.object["services"] as? [[String: Any]])?.first?["serviceId"] as? Int == 84325)
    }

    @Test func thePhoneTypeIsPreferredPhoneTypeOnInputAndPhoneTypeInTheAnswer() throws {
        let wrong = try call("POST", "/setup/v1/resources", #"{"name":"A","email":"a@example.com","contact":{"phoneType":"mobile"}}"#)
        #expect(wrong.status == 400)
        #expect(wrong.object["Contact.PhoneType"] is [String])
        let right = try call("POST", "/setup/v1/resources",
                             #"{"name":"A","email":"a@example.com","contact":{"mobilePhone":"555","preferredPhoneType":"mobile"}}"#)
        #expect(right.status == 200)
        let contact = try #require(right.object["contact"] as? [String: Any])
        #expect(contact["phoneType"] as? String == "mobile")
        #expect(contact["preferredPhoneType"] == nil)
        let phone = try #require(contact["phone"] as? [String: Any])
        #expect(phone["mobilePhone"] as? String == "555")
    }

    @Test func optionsAreAnsweredInsideOptions() throws {
        let created = try call("POST", "/setup/v1/resources?googleAuthReturnUrl=https%3A%2F%2Fr.test", #"""
            {"name":"A","email":"a@example.com","options":{"displayColor":"#ff0000","googleCalendarId":"a@gmail.com","calendarAvailability":1}}
            """#)
        #expect(created.status == 200)
        #expect(created.object["displayColor"] == nil)
        let options = try #require(created.object["options"] as? [String: Any])
        #expect(options["displayColor"] as? String == "#ff0000")
        #expect(options["googleCalendarId"] as? String == "a@gmail.com")
        #expect(options["calendarAvailability"] as? Int == 1)
    }

    @Test func bothBulkCallsNeedNameAndEmailOnEveryResource() throws {
        let ids = try call("POST", "/setup/v1/resources/bulk", bulkBody(2)).array.compactMap { $0["id"] as? String }
        #expect(ids.count == 2)
        let noEmail = try call("PUT", "/setup/v1/resources/bulk",
                               "{\"resources\":[{\"id\":\"\(ids[0])\",\"name\":\"A\",\"email\":\"a@example.com\"},{\"id\":\"\(ids[1])\",\"name\":\"B\"}]}")
        #expect(noEmail.status == 400)
        #expect(noEmail.object["resources[1].Email"] as? [String] == ["The Email field is required."])
        #expect(noEmail.object["resources[0].Email"] == nil)
        let noName = try call("POST", "/setup/v1/resources/bulk", #"{"resources":[{"email":"n@example.com"}]}"#)
        #expect(noName.status == 400)
        #expect(noName.object["resources[0].Name"] is [String])
        // A single PUT /{id} still takes a partial body.
        #expect(try call("PUT", "/setup/v1/resources/\(ids[1])", #"{"description":"x"}"#).status == 200)
    }

    @Test func theListDefaultsToThePrimaryLocationAndFiltersByLocation() throws {
        _ = try call("POST", "/setup/v1/resources", #"{"name":"Here","email":"here@example.com"}"#)
        _ = try call("POST", "/setup/v1/resources", #"{"name":"There","email":"there@example.com","locationId":"7"}"#)
        let primary = try call("GET", "/setup/v1/resources")
        #expect((primary.object["data"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Here"])
        let seven = try call("GET", "/setup/v1/resources?locationId=7")
        #expect((seven.object["data"] as? [[String: Any]])?.map { $0["name"] as? String } == ["There"])
        // A look-up by e-mail without the location finds nothing: 404 "Resource was not found".
        let lost = try call("GET", "/setup/v1/resources?email=there%40example.com")
        #expect(lost.status == 404)
        #expect(try call("GET", "/setup/v1/resources?email=there%40example.com&locationId=7").status == 200)
    }

    @Test func theListAndGetAnswerLinksWhenAskedWithTheReturnURLs() throws {
        let created = try call("POST", "/setup/v1/resources?outlookAuthReturnUrl=https%3A%2F%2Fold.test", #"""
            {"name":"A","email":"a@example.com","options":{"outlookCalendarId":"a@outlook.com","calendarAvailability":2}}
            """#)
        let id = try #require(created.object["id"] as? String)
        let plain = try call("GET", "/setup/v1/resources")
        #expect((plain.object["data"] as? [[String: Any]])?.first?["outlookCalendarAuthUrl"] is NSNull)
        let asked = try call("GET", "/setup/v1/resources?outlookAuthReturnUrl=https%3A%2F%2Fnew.test%2Fok")
        let link = try #require((asked.object["data"] as? [[String: Any]])?.first?["outlookCalendarAuthUrl"] as? String)
        let direct = try call("GET", "/setup/v1/resources/\(id)/calendar/auth/outlook/a%40outlook.com?outlookAuthReturnUrl=https%3A%2F%2Fnew.test%2Fok")
        #expect(link == direct.object["calendarAuthUrl"] as? String)
        let one = try call("GET", "/setup/v1/resources/\(id)?outlookAuthReturnUrl=https%3A%2F%2Fnew.test%2Fok")
        #expect(one.object["outlookCalendarAuthUrl"] as? String == link)
    }

    @Test func theTimeZoneListHasWindowsIdsWithTheirIANANames() throws {
        let response = try call("GET", "/setup/v1/resources/timezones")
        #expect(response.status == 200)
        let zones = response.array
        #expect(zones.count >= 130)
        let berlin = try #require(zones.first { $0["timezoneId"] as? String == "W. Europe Standard Time" })
        #expect(berlin["timezoneIana"] as? String == "Europe/Berlin")
        #expect(berlin["baseUtcOffset"] as? String == "01:00:00")
        #expect(berlin["supportsDaylightSavingTime"] as? Bool == true)
        #expect(zones.contains { $0["timezoneId"] as? String == "Eastern Standard Time" && $0["timezoneIana"] as? String == "America/New_York" })
        #expect(Set(zones.compactMap { $0["timezoneId"] as? String }).count == zones.count)
        #expect(try emulator.call("GET", "/setup/v1/resources/timezones", token: "bad").status == 401)
    }

    @Test func deleteIsSoftAndRecoverRestores() throws {
        let id = try #require(call("POST", "/setup/v1/resources", #"{"name":"A","email":"a@example.com"}"#).object["id"] as? String)
        let deleted = try call("DELETE", "/setup/v1/resources/\(id)")
        #expect(deleted.status == 200)
        #expect(deleted.object["deletedStatus"] as? Bool == true)
        #expect(deleted.object["deletedTime"] is String)
        #expect(try call("GET", "/setup/v1/resources").object["total"] as? Int == 0)
        let listed = try call("GET", "/setup/v1/resources?deleted=true")
        #expect((listed.object["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
        let recovered = try call("PUT", "/setup/v1/resources/\(id)/recover")
        #expect(recovered.status == 200)
        #expect(recovered.object["deletedStatus"] as? Bool == false)
        #expect(try call("GET", "/setup/v1/resources").object["total"] as? Int == 1)
        #expect(try call("GET", "/setup/v1/resources?deleted=true").status == 200)
        #expect(try call("DELETE", "/setup/v1/resources/999999").status == 404)
        #expect(try call("PUT", "/setup/v1/resources/999999/recover").status == 404)
    }
}
