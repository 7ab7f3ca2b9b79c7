import Foundation
import JSONCodec
import Testing
import TestSupport
@testable import BatchModel
@testable import BatchWire

/// `Resource(scanning:)` and the bulk body writer against the `Codable` code they replaced on
/// the import path (which stays as the reference): the same resources from many generated
/// answers, fields of every kind in every place, and request bodies that read back the same.
@Suite struct ResourceScanningTests {
    typealias Rng = SeededRandom

    /// Any JSON value a lenient field may meet.
    static func anyValue(_ r: inout Rng) -> String {
        r.pick([
            #""text""#, #""""#, #"" 12 ""#, #""12""#, #""3.5""#, #""yes""#, #""TRUE""#, #""0""#, #""inf""#, #""a\"b\u00e9\ud83d\ude00""#,
            "0", "1", "-3", "2.0", "2.5", "1e2", "1e400", "12345678901234567890", "1e15", "999999999999999", "-0.0",
            "true", "false", "null", "{}", #"{"a":[1,{"b":null}]}"#, "[]", #"["x",2]"#,
        ])
    }

    static let topKeys = [
        "id", "locationId", "name", "email", "description", "imageUrl", "bioLink", "gender", "skypeName", "timezoneId",
        "timezoneIana", "groupId", "timezoneOffset", "hourly", "deletedStatus", "deletedTime", "effectiveDate",
        "ignoreBusinessHours", "sortKey", "notificationType", "bookingNotification", "displayColor", "calendarAvailability",
        "googleCalendarId", "googleCalendarAuthUrl", "googleCalendarAuthorized", "outlookCalendarId", "outlookCalendarAuthUrl",
        "outlookCalendarAuthorized",
    ]
    static let optionKeys = [
        "bioLink", "gender", "hourly", "effectiveDate", "ignoreBusinessHours", "sortKey", "notificationType",
        "bookingNotification", "displayColor", "calendarAvailability", "googleCalendarId", "outlookCalendarId",
    ]

    static func object(_ r: inout Rng, keys: [String], strictStrings: Bool = false) -> String {
        var members: [String] = []
        for key in keys where r.below(3) > 0 {
            let value = strictStrings && r.below(6) > 0 ? r.pick([#""s""#, "null", #""Oslo \"N\"""#]) : anyValue(&r)
            members.append("\"\(key)\":\(value)")
            if r.below(15) == 0 { members.append("\"\(key)\":\(anyValue(&r))") }  // a duplicate: the first counts
        }
        if r.below(4) == 0 { members.append("\"unknown\(r.below(3))\":\(anyValue(&r))") }
        for i in stride(from: members.count - 1, to: 0, by: -1) { members.swapAt(i, r.below(i + 1)) }
        return "{" + members.joined(separator: r.pick([",", ", ", ",\n  "])) + "}"
    }

    /// One resource as an answer might carry it.
    static func resource(_ r: inout Rng) -> String {
        var members: [String] = [String(object(&r, keys: topKeys).dropFirst().dropLast())].filter { !$0.isEmpty }
        func add(_ key: String, _ value: String) { if r.below(3) > 0 { members.append("\"\(key)\":\(value)") } }
        add("options", r.below(6) == 0 ? anyValue(&r) : object(&r, keys: optionKeys))
        add("address", r.below(6) == 0 ? anyValue(&r) : object(&r, keys: ["addressLine1", "addressLine2", "city", "state", "postalCode", "country"], strictStrings: true))
        add("contact", r.below(6) == 0 ? anyValue(&r) : object(&r, keys: ["businessPhone", "businessPhoneExt", "mobilePhone", "homePhone", "phoneType", "preferredPhoneType", "skypeUsername", "conferenceInfo", "phone"]))
        add("customFields", r.below(6) == 0 ? anyValue(&r) : object(&r, keys: (1...10).map { "field\($0)" }, strictStrings: true))
        let service = { (r: inout Rng) -> String in
            r.below(8) == 0 ? anyValue(&r) : "{\"object\":\"service\",\"serviceId\":\(anyValue(&r)),\"serviceName\":\"S\"}"
        }
        add("services", r.below(5) == 0 ? anyValue(&r) : "[" + (0..<r.below(4)).map { _ in service(&r) }.joined(separator: ",") + "]")
        add("serviceIds", r.below(5) == 0 ? anyValue(&r) : "[" + (0..<r.below(4)).map { _ in anyValue(&r) }.joined(separator: ",") + "]")
        add("availability", #"{"mon":{"startTime":900,"endTime":1700}}"#)
        for i in stride(from: members.count - 1, to: 0, by: -1) { members.swapAt(i, r.below(i + 1)) }
        return "{" + members.joined(separator: ",") + "}"
    }

    @Test func scannedResourcesEqualDecodedOnes() throws {
        var r = Rng(seed: 2026)
        for _ in 0..<4_000 {
            let text = Self.resource(&r)
            let data = Data(text.utf8)
            let decoded = try JSONDecoder().decode(Resource.self, from: data)
            let scanned = try ResourceAnswer.resource(data)
            #expect(scanned == decoded, "\(text)")
        }
    }

    @Test func outcomeFieldsAreTheDecodedOnesAndNothingElse() throws {
        var r = Rng(seed: 7)
        for _ in 0..<1_000 {
            let text = "[" + Self.resource(&r) + "," + Self.resource(&r) + "]"
            let full = try JSONDecoder().decode([Resource].self, from: Data(text.utf8))
            let narrow = try ResourceAnswer.list(Data(text.utf8), fields: .outcome)
            #expect(narrow.count == full.count)
            for (n, f) in zip(narrow, full) {
                var expected = Resource(id: f.id, name: f.name, email: f.email)
                expected.calendarAvailability = f.calendarAvailability
                expected.googleCalendarId = f.googleCalendarId
                expected.googleCalendarAuthUrl = f.googleCalendarAuthUrl
                expected.googleCalendarAuthorized = f.googleCalendarAuthorized
                expected.outlookCalendarId = f.outlookCalendarId
                expected.outlookCalendarAuthUrl = f.outlookCalendarAuthUrl
                expected.outlookCalendarAuthorized = f.outlookCalendarAuthorized
                expected.deletedStatus = f.deletedStatus
                #expect(n == expected, "\(text)")
            }
        }
    }

    @Test func bulkAnswersAndPagesReadAsTheDecodableTypesDid() throws {
        var r = Rng(seed: 11)
        let items = (0..<5).map { _ in Self.resource(&r) }
        let array = "[" + items.joined(separator: ",") + "]"
        let expected = try JSONDecoder().decode([Resource].self, from: Data(array.utf8))
        #expect(try ResourceAnswer.list(Data(array.utf8)) == expected)
        let envelope = #"{"object":"list","hasMore":"yes","count":"5","total":12.0,"data":"# + array + "}"
        #expect(try ResourceAnswer.list(Data(envelope.utf8)) == expected)
        let page = try ResourceAnswer.page(Data(envelope.utf8))
        #expect(page.hasMore == true && page.count == 5 && page.total == 12 && page.data == expected)
        // Refused as before: no data, data null, an element that is not an object, broken JSON.
        for bad in [#"{"hasMore":false}"#, #"{"data":null}"#, "[1]", "[null]", #"[{"id":"1"}"#, "", #"{"data":[]} x"#] {
            #expect(throws: (any Error).self, "\(bad)") { try ResourceAnswer.list(Data(bad.utf8)) }
        }
        // Auth links: a string or null; anything else is refused, as the Decodable type refused it.
        #expect(try ResourceAnswer.calendarAuthURL(Data(#"{"object":"calendarAuth","calendarAuthUrl":"https:\/\/x","calendarId":null}"#.utf8)) == "https://x")
        #expect(try ResourceAnswer.calendarAuthURL(Data(#"{"calendarAuthUrl":null}"#.utf8)) == nil)
        #expect(throws: (any Error).self) { try ResourceAnswer.calendarAuthURL(Data(#"{"calendarAuthUrl":5}"#.utf8)) }
        #expect(throws: (any Error).self) { try ResourceAnswer.calendarAuthURL(Data(#"{"calendarId":true,"calendarAuthUrl":"u"}"#.utf8)) }
    }

    static func payload(_ r: inout Rng) -> ResourcePayload {
        func text() -> String? { r.below(3) == 0 ? nil : r.pick(["Ana", "", "a\"b\\c/d\n\t\u{1}é😀", "https://x.example/a?b=c", " spaced "]) }
        func int() -> Int? { r.below(3) == 0 ? nil : r.pick([0, 1, 2, -5, 123_456_789]) }
        var p = ResourcePayload(id: text(), locationId: text(), name: text(), email: text(), description: text(),
                                timezoneId: text(), groupId: text())
        if r.below(2) == 0 { p.address = ResourceAddress(addressLine1: text(), city: text(), country: text()) }
        if r.below(2) == 0 { p.contact = ResourceContact(businessPhone: text(), mobilePhone: text(), phoneType: text(), conferenceInfo: text()) }
        if r.below(2) == 0 {
            var f = ResourceCustomFields()
            for i in 1...10 where r.below(2) == 0 { f[i] = text() }
            p.customFields = f
        }
        if r.below(2) == 0 { p.serviceIds = (0..<r.below(4)).map { _ in r.below(100_000) } }
        if r.below(2) == 0 {
            p.options = ResourceOptions(
                googleCalendarId: text(), outlookCalendarId: text(), calendarAvailability: int(), notificationType: int(),
                bookingNotification: int(), sortKey: int(), ignoreBusinessHours: r.below(3) == 0 ? nil : r.below(2) == 0,
                displayColor: text(), bioLink: text(), gender: text(),
                hourly: r.below(3) == 0 ? nil : r.pick([0, 25, 25.5, 1e20, 0.1, -3]), effectiveDate: text())
        }
        return p
    }

    private struct Body: Encodable { var resources: [ResourcePayload] }

    @Test func bulkBodiesCarryWhatJSONEncoderWrote() throws {
        var r = Rng(seed: 5)
        for _ in 0..<500 {
            let payloads = (0..<r.below(5)).map { _ in Self.payload(&r) }
            let written = try ResourcePayload.bulkBody(payloads)
            let encoded = try JSONEncoder().encode(Body(resources: payloads))
            let a = try JSONSerialization.jsonObject(with: Data(written)) as? NSDictionary
            let b = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
            #expect(a != nil && a == b, "\(String(decoding: written, as: UTF8.self))")
            // And they read back as the same payloads.
            struct Back: Decodable { var resources: [ResourcePayload] }
            #expect(try JSONDecoder().decode(Back.self, from: Data(written)).resources == payloads)
        }
        var infinite = ResourcePayload(name: "A")
        infinite.options = ResourceOptions(hourly: .infinity)
        #expect(throws: JSONWriter.Failure.self) { try ResourcePayload.bulkBody([infinite]) }
    }

    /// The body the import writes from its planned rows in place (`bulkBody(count:)` with
    /// `write(to:id:locationId:)`) is byte for byte the body of copies with those two fields set.
    @Test func aBodyWrittenInPlaceEqualsTheBodyOfCopies() throws {
        var r = Rng(seed: 17)
        for _ in 0..<500 {
            let payloads = (0..<r.below(6)).map { _ in Self.payload(&r) }
            let ids: [String?] = payloads.map { _ in r.below(2) == 0 ? nil : "id\(r.below(1000))" }
            let dropLocation = payloads.map { _ in r.below(2) == 0 }
            let copies = payloads.indices.map { i -> ResourcePayload in
                var p = payloads[i]
                p.id = ids[i]
                if dropLocation[i] { p.locationId = nil }
                return p
            }
            let inPlace = try ResourcePayload.bulkBody(count: payloads.count) { i, w in
                try payloads[i].write(to: &w, id: ids[i], locationId: dropLocation[i] ? nil : payloads[i].locationId)
            }
            #expect(inPlace == (try ResourcePayload.bulkBody(copies)))
        }
    }

    @Test func whitespaceTrimMatchesFoundation() {
        let samples = ["", " ", "a", " a ", "\t\na\r\n", "\u{00A0}x\u{2003}", "\u{2028}y\u{2029}", "\u{85}z\u{85}", "é ", " 😀",
                       "\u{200B}w\u{200B}", "a b", "\u{3000}\u{3000}", "\u{0B}v\u{0C}"]
        let every = (0..<0x3100).compactMap(Unicode.Scalar.init).map { "\($0)x\($0)" }
        for s in samples + every {
            #expect(WhitespaceTrim.whitespaces(s) == s.trimmingCharacters(in: .whitespaces), "\(s.unicodeScalars.map(\.value))")
            #expect(WhitespaceTrim.whitespacesAndNewlines(s) == s.trimmingCharacters(in: .whitespacesAndNewlines),
                    "\(s.unicodeScalars.map(\.value))")
        }
    }
}
