import Foundation
import Testing
@testable import OnSchedEmulator

/// `DELETE /setup/v1/resources/{id}` (soft) and `PUT …/{id}/recover` (onsched-api.md).
@Suite struct SoftDeleteTests {
    @Test func deleteHidesFromTheListAndRecoverBringsBack() throws {
        let emulator = try TestEmulator()
        let token = try emulator.token()
        let created = try emulator.call("POST", "/setup/v1/resources", body: #"{"name":"Kim","email":"kim@example.com"}"#, token: token)
        let id = try #require(created.object["id"] as? String)

        let deleted = try emulator.call("DELETE", "/setup/v1/resources/\(id)", token: token)
        #expect(deleted.status == 200)
        #expect(deleted.object["deletedStatus"] as? Bool == true)
        let live = try emulator.call("GET", "/setup/v1/resources", token: token)
        #expect((live.object["data"] as? [Any])?.count == 0)
        let gone = try emulator.call("GET", "/setup/v1/resources?deleted=true", token: token)
        #expect(((gone.object["data"] as? [[String: Any]]) ?? []).map { $0["id"] as? String } == [id])

        let recovered = try emulator.call("PUT", "/setup/v1/resources/\(id)/recover", token: token)
        #expect(recovered.status == 200)
        #expect(recovered.object["deletedStatus"] as? Bool == false)
        #expect(((try emulator.call("GET", "/setup/v1/resources", token: token).object["data"] as? [Any]) ?? []).count == 1)

        #expect(try emulator.call("DELETE", "/setup/v1/resources/999", token: token).status == 404)
        #expect(try emulator.call("PUT", "/setup/v1/resources/999/recover", token: token).status == 404)
        #expect(try emulator.call("GET", "/setup/v1/resources/\(id)/recover", token: token).status == 405)
        let stats = try emulator.admin("GET", "/emulator/stats").object
        #expect(stats["deletes"] as? Int == 1 && stats["recovers"] as? Int == 1)
    }
}
