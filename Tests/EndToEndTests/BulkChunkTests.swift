import Foundation
import TestSupport
import Testing

/// Creations go through `POST …/bulk`, updates through `PUT …/bulk`, in chunks of `--chunk-size`;
/// a chunk the API refuses because of one resource is split until that one is isolated.
@Suite struct BulkChunkTests {
    @Test(arguments: [10, 7])
    func createsAndUpdatesGoThroughTheBulkCallsInChunks(chunkSize: Int) throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let seeded = try emulator.seed((1...12).map { ["name": "Old \($0)", "email": "old\($0)@example.com"] })
        let ids = seeded.map { $0["id"] as! String }

        // 25 new rows and 12 updates (6 by id, 6 by e-mail), interleaved.
        var lines = ["id,name,email"]
        var update = 0
        for n in 1...25 {
            lines.append(",New \(n),new\(n)@example.com")
            if n % 2 == 0, update < 12 {
                update += 1
                lines.append(update % 2 == 0 ? "\(ids[update - 1]),Renamed \(update)," : ",Renamed \(update),old\(update)@example.com")
            }
        }
        while update < 12 {
            update += 1
            lines.append(update % 2 == 0 ? "\(ids[update - 1]),Renamed \(update)," : ",Renamed \(update),old\(update)@example.com")
        }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", lines.joined(separator: "\n") + "\n")

        let result = try cli.run(["import", "people.csv", "--chunk-size", String(chunkSize), "--concurrency", "2",
                                  "--rate", "100"] + emulator.apiArguments)
        #expect(result.status == 0, "\(result)")
        let report = try cli.table("people.report.csv")
        expectCompleteReport(report, rows: 37)
        #expect(tally(statuses(report)) == ["created": 25, "updated": 12])

        let stats = try emulator.stats()
        #expect(stats["creates"] == 25)
        #expect(stats["updates"] == 12)
        #expect(stats["bulkCreateCalls"] == (25 + chunkSize - 1) / chunkSize, "\(stats)")
        #expect(stats["bulkUpdateCalls"] == (12 + chunkSize - 1) / chunkSize, "\(stats)")
        let resources = try emulator.resources()
        #expect(resources.count == 37)
        #expect(resources.filter { ($0["name"] as? String)?.hasPrefix("Renamed") == true }.count == 12)
    }

    @Test func aChunkNeverMixesReturnURLs() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        var lines = ["name,email,googleCalendarId,googleAuthReturnUrl"]
        for n in 1...8 {
            let url = n % 2 == 0 ? "https://a.example.com/back" : "https://b.example.com/back?x=1&y=2"
            lines.append("Person \(n),mix\(n)@example.com,mix\(n)@gmail.com,\"\(url)\"")
        }
        lines.append("No Calendar,plain@example.com,,")
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", lines.joined(separator: "\n") + "\n")

        let result = try cli.run(["import", "people.csv", "--rate", "100"] + emulator.apiArguments)
        #expect(result.status == 0, "\(result)")
        let report = try cli.table("people.report.csv")
        expectCompleteReport(report, rows: 9)
        for i in 0..<8 {
            let url = (i + 1) % 2 == 0 ? "https://a.example.com/back" : "https://b.example.com/back?x=1&y=2"
            #expect(decoded(report.cell(i, "authUrl") ?? "").contains("returnUrl=\(url)"), "row \(i + 1): \(report.rows[i])")
        }
        #expect(try emulator.stats()["bulkCreateCalls"] == 3, "one call per set of return URLs")
    }

    @Test func aChunkRefusedForOneResourceIsSplitAndTheOthersGoThrough() throws {
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        var lines = ["name,email,city"]
        for n in 1...10 {
            // Row 4's e-mail holds a no-break space: our check lets it through, the API refuses it.
            let email = n == 4 ? "bad\u{00A0}one@example.com" : "good\(n)@example.com"
            lines.append("\"Person, \(n)\",\(email),Town \(n)")
        }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", lines.joined(separator: "\r\n") + "\r\n")

        let result = try cli.run(["import", "people.csv", "--chunk-size", "10", "--rate", "100"] + emulator.apiArguments)
        #expect(result.status == 1, "\(result)")
        let report = try cli.table("people.report.csv")
        expectCompleteReport(report, rows: 10)
        #expect(statuses(report) == (1...10).map { $0 == 4 ? "failed" : "created" })
        let message = report.cell(3, "message") ?? ""
        #expect(message.contains("not a valid e-mail address"), "the API's message: \(message)")

        let resources = try emulator.resources()
        #expect(Set(emails(of: resources)) == Set((1...10).filter { $0 != 4 }.map { "good\($0)@example.com" }))
        let stats = try emulator.stats()
        #expect(stats["creates"] == 9)
        #expect((stats["bulkCreateCalls"] ?? 0) > 1, "the first call carried all ten and was refused")

        // The errors file: the header and row 4 exactly as written, plus the error.
        let errors = try cli.readText("people.errors.csv")
        #expect(errors.hasPrefix(lines[0] + ",error\r\n"), "\(errors)")
        let body = errors.dropFirst(lines[0].count + ",error\r\n".count)
        #expect(body.hasPrefix(lines[4] + ","), "\(errors)")
        let table = CSVTable(parsing: errors)
        #expect(table.rows.count == 1)
        #expect(table.cell(0, "error")?.contains("not a valid e-mail address") == true)
    }
}
