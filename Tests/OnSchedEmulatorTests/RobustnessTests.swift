import Foundation
import Testing
@testable import OnSchedEmulator

/// Hostile or unusual input and concurrency: answered, never a crash or a hang.
@Suite struct RobustnessTests {
    @Test func deeplyNestedJSONIs400NotACrash() throws {
        let emulator = try TestEmulator()
        let token = try emulator.token()
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let response = try emulator.call("POST", "/setup/v1/resources", body: deep, token: token)
        #expect(response.status == 400)
        #expect(try emulator.admin("GET", "/emulator/stats").status == 200)
    }

    @Test func wrongJSONTypesAreFieldErrors() throws {
        let emulator = try TestEmulator()
        let token = try emulator.token()
        let response = try emulator.call("POST", "/setup/v1/resources", body: """
            {"name":["x"],"email":"a@example.com","groupId":"abc","serviceIds":"1","options":{"calendarAvailability":7}}
            """, token: token)
        #expect(response.status == 400)
        let body = response.object
        #expect(body["Name"] != nil && body["GroupId"] != nil && body["ServiceIds"] != nil)
        #expect(body["Options.CalendarAvailability"] != nil)
        let notObject = try emulator.call("POST", "/setup/v1/resources/bulk", body: #"{"resources":[1]}"#, token: token)
        #expect(notObject.status == 400)
        #expect(try emulator.call("POST", "/setup/v1/resources/bulk", body: #"{"items":[]}"#, token: token).status == 400)
    }

    @Test func concurrentBulkCreatesGetDistinctIds() throws {
        let emulator = try TestEmulator()
        let token = try emulator.token()
        let clients = try (0..<10).map { _ in try emulator.client() }
        for (i, client) in clients.enumerated() {
            try client.send(RawHTTPClient.format("POST", "/setup/v1/resources/bulk",
                                                 headers: ["Authorization": "Bearer \(token)"], body: bulkBody(10, start: i * 10)))
        }
        var ids: [String] = []
        for client in clients {
            let response = try #require(try client.readResponse())
            #expect(response.status == 200)
            ids += response.array.compactMap { $0["id"] as? String }
        }
        #expect(ids.count == 100 && Set(ids).count == 100)
        #expect(try emulator.admin("GET", "/emulator/resources").array.count == 100)
    }

    @Test func idleConnectionsAreClosed() throws {
        let emulator = try TestEmulator(EmulatorConfiguration(idleTimeout: 0.1))
        let client = try emulator.client()
        #expect(try client.request("GET", "/emulator/stats").status == 200)
        #expect(try client.isClosedByPeer())  // within the client's 5 s receive timeout
    }

    @Test func halfSentRequestThenSilenceGets408() throws {
        let emulator = try TestEmulator(EmulatorConfiguration(idleTimeout: 0.1))
        let client = try emulator.client()
        try client.send("GET /emulator/stats HTTP/1.1\r\nHost: x\r\n")
        #expect(try client.readResponse()?.status == 408)
    }

    @Test func seededResourcesWithoutNameSurviveARestart() throws {
        let directory = NSTemporaryDirectory() + "emulator-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let emulator = try TestEmulator(EmulatorConfiguration(dataDirectory: directory))
            #expect(try emulator.admin("POST", "/emulator/seed", body: #"{"resources":[{"description":"no name"}]}"#).status == 200)
        }
        let again = try TestEmulator(EmulatorConfiguration(dataDirectory: directory))
        #expect(try again.admin("GET", "/emulator/resources").array.first?["description"] as? String == "no name")
    }

    @Test func jsonSerializationEscapesAndRoundTrips() throws {
        let value = JSONValue.object(["a\"b": .string("line\nbreak\t\u{1}é"), "n": .number(12), "d": .number(0.5),
                                      "list": .array([.null, .bool(true)])])
        let text = String(decoding: value.serialized(), as: UTF8.self)
        #expect(text == #"{"a\"b":"line\nbreak\t\u0001é","d":0.5,"list":[null,true],"n":12}"#)
        #expect(JSONValue.parse(value.serialized()) == value)
    }

    @Test func percentEncodingIsStrict() {
        #expect(PercentEncoding.encodeComponent("https://x.test/a?b=1&c=2;d") == "https%3A%2F%2Fx.test%2Fa%3Fb%3D1%26c%3D2%3Bd")
        #expect(PercentEncoding.decode("a%2Fb+c%zz", plusIsSpace: true) == "a/b c%zz")
        #expect(PercentEncoding.form("a=1&b=x%26y&a=2&c") == ["a": "1", "b": "x&y", "c": ""])
    }
}

