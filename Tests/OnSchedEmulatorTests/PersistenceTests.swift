import Foundation
import TestSupport
import Testing
@testable import OnSchedEmulator

/// `dataDirectory`: the tenant survives a restart; the file is replaced atomically.
@Suite struct PersistenceTests {
    /// A path for the emulator's data directory, which the emulator creates itself.
    private func temporaryDirectory() -> String {
        let dir = try! TempDir()
        dir.remove()
        return dir.url.path
    }

    @Test func dataSurvivesARestart() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var ids: [String] = []
        do {
            let emulator = try TestEmulator(EmulatorConfiguration(dataDirectory: directory))
            let token = try emulator.token()
            let created = try emulator.call("POST", "/setup/v1/resources/bulk?googleAuthReturnUrl=https%3A%2F%2Fr.test",
                                            body: bulkBody(3, extra: #","options":{"googleCalendarId":"x@gmail.com"}"#), token: token)
            #expect(created.status == 200)
            ids = created.array.compactMap { $0["id"] as? String }
            #expect(try emulator.admin("POST", "/emulator/authorize/\(ids[0])").status == 200)
            emulator.server.stop()
        }
        let path = directory + "/emulator.json"
        #expect(FileManager.default.fileExists(atPath: path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0 != "emulator.json" }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
        let onDisk = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        #expect((onDisk?["resources"] as? [Any])?.count == 3)

        let again = try TestEmulator(EmulatorConfiguration(dataDirectory: directory))
        let all = try again.admin("GET", "/emulator/resources").array
        #expect(all.compactMap { $0["id"] as? String } == ids)
        #expect(all.first?["googleCalendarAuthorized"] as? Bool == true)
        #expect(all.last?["googleCalendarAuthorized"] as? Bool == false)
        #expect((all.last?["googleCalendarAuthUrl"] as? String)?.contains("r.test") == true)
        // New ids continue after the stored ones.
        let token = try again.token()
        let next = try again.call("POST", "/setup/v1/resources", body: #"{"name":"N","email":"n@example.com"}"#, token: token)
        #expect(Int(next.object["id"] as? String ?? "") ?? 0 > Int(ids.last ?? "") ?? .max)
    }

    @Test func corruptDataFileFailsStart() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: directory + "/emulator.json"))
        let server = EmulatorServer(configuration: EmulatorConfiguration(port: 0, dataDirectory: directory))
        #expect(throws: EmulatorError.self) { try server.start() }
    }

    @Test func saveReplacesTheFileByRename() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = DataFile(directory: directory)
        try file.prepare()
        var empty = ResourceStore()
        try file.save(&empty)
        let before = try FileManager.default.attributesOfItem(atPath: file.path)[.systemFileNumber] as? Int
        var store = ResourceStore()
        _ = store.seed([.object(["name": .string("A"), "email": .string("a@example.com")])])
        try file.save(&store)
        #expect(JSONValue.parse(store.persistedBytes()) == store.persisted)
        let after = try FileManager.default.attributesOfItem(atPath: file.path)[.systemFileNumber] as? Int
        #expect(before != after, "a new inode means the file was renamed into place, not rewritten")
        #expect(try file.load()?.resources.count == 1)
    }
}

extension PersistenceTests {
    @Test func compactStoredFormReadsBackToTheSameResource() throws {
        var resource = EmulatedResource(id: 40000, locationId: "7")
        resource.name = "Full"
        resource.email = "full@example.com"
        resource.groupId = 0
        resource.hourly = 0
        resource.sortKey = 3
        resource.calendarAvailability = 2
        resource.outlookCalendarId = "full@outlook.com"
        resource.outlookAuthReturnUrl = "https://r.test/x?y=1"
        resource.deletedStatus = true
        resource.deletedTime = "2026-01-02T03:04:05Z"
        resource.effectiveDate = "2026-02-01"
        resource.address = ["city": .string("Oslo"), "state": .string("")]
        resource.contact = ["phoneType": .number(2)]
        resource.customFields = ["field10": .string("ten")]
        resource.availability = ["mon": .object(["startTime": .number(900), "endTime": .number(1700)])]
        resource.serviceIds = [5, 6]
        var store = ResourceStore()
        let seeded = store.seed([resource.persisted])
        #expect(try seeded.get() == [resource])
        let stored = String(decoding: resource.persisted.serialized(), as: UTF8.self)
        #expect(!stored.contains("null") && !stored.contains("AuthUrl"))
    }
}
