import Foundation
import Testing
@testable import BatchCore
@testable import BatchModel

@Suite struct ResourceModelTests {
    /// A row's field masks are one 64-bit word each, shifted with `&<<`: a 65th field would alias.
    @Test func fieldsFitOneMaskWord() {
        #expect(ResourceField.allCases.count <= 64)
        #expect(ResourceField.allCases.enumerated().allSatisfy { $0.offset == $0.element.ordinal })
    }

    @Test func payloadLeavesOutWhatWasNotGiven() throws {
        let p = ResourcePayload(name: "Ana", options: ResourceOptions(googleCalendarId: "ana@gmail.com", calendarAvailability: 1))
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        let json = String(decoding: try enc.encode(p), as: UTF8.self)
        #expect(json == #"{"name":"Ana","options":{"calendarAvailability":1,"googleCalendarId":"ana@gmail.com"}}"#)
    }

    @Test func viewModelDecodesLeniently() throws {
        let json = #"{"id":"12","groupId":7,"sortKey":"3","googleCalendarAuthorized":"true","services":[{"serviceId":"5"}],"address":{"city":"Oslo"}}"#
        let r = try JSONDecoder().decode(Resource.self, from: Data(json.utf8))
        #expect(r.id == "12")
        #expect(r.groupId == "7")
        #expect(r.sortKey == 3)
        #expect(r.googleCalendarAuthorized == true)
        #expect(r.serviceIds == [5])
        #expect(r.address?.city == "Oslo")
    }
}
