import Foundation
import Testing
import TestSupport
@testable import BatchModel
@testable import BatchWire

/// `ResourceOutcome(scanning:)` and `ResourceAnswer.outcomes` against the reference they narrow:
/// the outcome of the resource `JSONDecoder` reads (`Resource.init(from:)`), on the generated
/// answers of `ResourceScanningTests` (every field in every place, reordered, duplicated,
/// unknown, escaped, of the wrong kind), and the same documents refused.
@Suite struct ResourceOutcomeScanningTests {
    typealias Rng = SeededRandom

    @Test func scannedOutcomesEqualTheDecodedResourcesOutcomes() throws {
        var r = Rng(seed: 4_117)
        for _ in 0..<4_000 {
            let text = "[" + ResourceScanningTests.resource(&r) + "," + ResourceScanningTests.resource(&r) + "]"
            let data = Data(text.utf8)
            let decoded = try JSONDecoder().decode([Resource].self, from: data).map(ResourceOutcome.init)
            #expect(try ResourceAnswer.outcomes(data) == decoded, "\(text)")
            // The narrow resource scan the import used before reads the same values.
            #expect(try ResourceAnswer.list(data, fields: .outcome).map(ResourceOutcome.init) == decoded, "\(text)")
        }
    }

    /// Outcomes read reusing what each resource was sent (``ResourceOutcome/Expected``) equal the
    /// outcomes read without: expectations equal to the answer's strings, one byte off, swapped
    /// between rows, or missing, on the generated answers and on broken ones.
    @Test func reusingTheSentStringsReadsTheSameOutcomes() throws {
        var r = Rng(seed: 5_003)
        for round in 0..<3_000 {
            var bytes = Array(("[" + ResourceScanningTests.resource(&r) + "," + ResourceScanningTests.resource(&r) + "]").utf8)
            if round % 4 == 3 { bytes[r.below(bytes.count)] = r.pick(Array(#"{}[]",:\ nu1"#.utf8)) }
            let data = Data(bytes)
            let plain = try? ResourceAnswer.outcomes(data)
            let sent = plain ?? []
            let variant = r.below(4)
            let expected: (Int) -> ResourceOutcome.Expected? = { i in
                guard i < sent.count else { return nil }
                let o = sent[variant == 2 ? sent.count - 1 - i : i]
                let calendar = o.googleCalendarId ?? o.outlookCalendarId
                switch variant {
                case 0, 2: return .init(name: o.name, email: o.email, calendarId: calendar)
                case 1: return .init(name: o.name.map { $0 + "x" }, email: o.email.map { String($0.dropLast()) }, calendarId: calendar.map { "é" + $0 })
                default: return nil
                }
            }
            let reused = try? ResourceAnswer.outcomes(data, expecting: expected)
            #expect(reused == plain, "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test func anEnvelopeOrAnArrayAndTheSameRefusals() throws {
        var r = Rng(seed: 12)
        let array = "[" + (0..<5).map { _ in ResourceScanningTests.resource(&r) }.joined(separator: ",") + "]"
        let expected = try JSONDecoder().decode([Resource].self, from: Data(array.utf8)).map(ResourceOutcome.init)
        #expect(try ResourceAnswer.outcomes(Data(array.utf8)) == expected)
        let envelope = #"{"object":"list","hasMore":"yes","count":"5","total":12.0,"data":"# + array + "}"
        #expect(try ResourceAnswer.outcomes(Data(envelope.utf8)) == expected)
        for bad in [#"{"hasMore":false}"#, #"{"data":null}"#, "[1]", "[null]", #"[{"id":"1"}"#, "", #"{"data":[]} x"#,
                    #"[{"address":{"city":"a\u12"}}]"#, #"[{"options":{"x":tru}}]"#, #"[{"id":"1","contact":{"phone":[1,]],}}]"#] {
            #expect(throws: (any Error).self, "\(bad)") { try ResourceAnswer.outcomes(Data(bad.utf8)) }
            #expect(throws: (any Error).self, "\(bad)") { try ResourceAnswer.list(Data(bad.utf8)) }
        }
    }

    /// Cut or corrupted answers: refused by the outcome scan exactly when the whole-resource scan
    /// refuses them (every value the outcome skips is still checked).
    @Test func brokenAnswersAreRefusedAsTheWholeScanRefusesThem() {
        var r = Rng(seed: 99)
        let noise: [UInt8] = Array(#"{}[]",:\ nu1e-."#.utf8) + [0x01, 0xC3, 0xFF]
        for _ in 0..<3_000 {
            var bytes = Array(("[" + ResourceScanningTests.resource(&r) + "]").utf8)
            switch r.below(3) {
            case 0: bytes.removeLast(r.below(bytes.count))
            case 1: bytes[r.below(bytes.count)] = r.pick(noise)
            default: bytes.insert(r.pick(noise), at: r.below(bytes.count + 1))
            }
            let data = Data(bytes)
            let whole = try? ResourceAnswer.list(data)
            let narrow = try? ResourceAnswer.outcomes(data)
            #expect((whole == nil) == (narrow == nil), "\(String(decoding: bytes, as: UTF8.self))")
            if let whole, let narrow { #expect(whole.map(ResourceOutcome.init) == narrow) }
        }
    }

    @Test func anAnswerAsTheEmulatorWritesIt() throws {
        let text = #"""
        [{"address":{"addressLine1":null,"city":null},"availability":{},"bioLink":"","calendarAvailability":0,
        "contact":{"businessPhone":null,"phone":{"mobilePhone":null,"phoneType":null},"phoneType":null},
        "customFields":{"field1":null,"field10":null},"deletedStatus":false,"email":"ab@example.com",
        "googleCalendarAuthUrl":null,"googleCalendarAuthorized":false,"googleCalendarId":null,"hourly":null,"id":"38335",
        "name":"A \"B\" \u00e9","options":{"bookingNotification":0,"calendarAvailability":2,"googleCalendarId":null,
        "outlookCalendarId":"ab@outlook.com","sortKey":0},"outlookCalendarAuthUrl":"https:\/\/login.example\/a?b=c",
        "outlookCalendarAuthorized":"no","outlookCalendarId":"top@outlook.com","services":[{"serviceId":3}],"timezoneOffset":null}]
        """#
        var expected = ResourceOutcome(id: "38335", name: "A \"B\" é", email: "ab@example.com")
        expected.calendarAvailability = 2
        expected.googleCalendarAuthorized = false
        expected.outlookCalendarId = "ab@outlook.com"
        expected.outlookCalendarAuthUrl = "https://login.example/a?b=c"
        expected.outlookCalendarAuthorized = false
        #expect(try ResourceAnswer.outcomes(Data(text.utf8)) == [expected])
    }
}
