import Foundation
import Testing
import TestSupport

/// Imports against a hostile API: 429 storms, and every injected fault at once. The outcome that
/// matters: every row exactly once on the API, and a complete report.
@Suite struct ResilienceTests {
    @Test(.enabled(if: LongTests.enabled, "a real-time soak test: set RESOURCE_BATCH_LONG_TESTS=1 to run it")) func a429StormIsRiddenOutWithEveryRowCreatedOnce() throws {
        let emulator = try LoopbackEmulator(rateLimit: 2)
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        try cli.write("people.csv", peopleCSV(200, prefix: "storm"))

        let result = try cli.run(["import", "people.csv", "--rate", "50", "--concurrency", "4", "--chunk-size", "10",
                                  "--summary-json", "summary.json"] + emulator.apiArguments)
        #expect(result.status == 0, "\(result)")
        let report = try cli.table("people.report.csv")
        expectCompleteReport(report, rows: 200)
        #expect(statuses(report).allSatisfy { $0 == "created" }, "\(tally(statuses(report)))")

        let resources = try emulator.resources()
        #expect(resources.count == 200)
        #expect(Set(emails(of: resources)) == Set(peopleEmails(200, prefix: "storm")), "the 200 people, no one else")
        let stats = try emulator.stats()
        #expect(stats["creates"] == 200, "created exactly once: \(stats)")
        #expect((stats["throttled"] ?? 0) > 0, "the emulator did throttle: \(stats)")

        let summary = try summaryJSON(cli, "summary.json")
        #expect((summary["throttled"] as? Int ?? 0) > 0, "the summary counts the 429s: \(summary)")
        #expect(result.err.contains("throttled"), "\(result.err)")
    }

    /// 3,000 rows through errors, 429s, reset connections and writes answered 502 after they
    /// were applied: run (and `--resume` while the run stops with exit 3) until exit 0.
    @Test(.enabled(if: LongTests.enabled, "a real-time soak test: set RESOURCE_BATCH_LONG_TESTS=1 to run it"), arguments: [UInt64(7), 20260])
    func everyFaultAtOnceStillGivesEachRowExactlyOnce(seed: UInt64) throws {
        let emulator = try LoopbackEmulator(faults: "error=0.05,throttle=0.05,reset=0.03,commit-then-fail=0.05", seed: seed)
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        cli.timeLimit = 240
        let count = 3000
        try cli.write("people.csv", peopleCSV(count, prefix: "f\(seed)-"))
        let arguments = ["import", "people.csv", "--chunk-size", "50", "--concurrency", "4", "--rate", "200",
                         "--max-retries", "10", "--quiet"] + emulator.apiArguments

        var result = try cli.run(arguments)
        var runs = 1
        while result.status == 3 && runs < 6 {
            result = try cli.run(arguments + ["--resume"])
            runs += 1
        }
        #expect(result.status == 0, "after \(runs) runs: \(result)")

        let resources = try emulator.resources()
        let found = emails(of: resources)
        #expect(resources.count == count, "no resource created twice, none missing")
        #expect(Set(found).count == count)
        let missing = Set(peopleEmails(count, prefix: "f\(seed)-")).subtracting(found)
        #expect(missing.isEmpty, "\(missing.count) rows missing, e.g. \(missing.sorted().prefix(5))")

        let report = try cli.table("people.report.csv")
        expectCompleteReport(report, rows: count)
        // Every row is a new person: created, whether its answer was lost and it was found by
        // e-mail, or an interrupted run created it.
        #expect(tally(statuses(report)) == ["created": count])
        // Each report line names the resource of its row.
        let idByEmail = Dictionary(uniqueKeysWithValues: resources.map { (($0["email"] as! String).lowercased(), $0["id"] as! String) })
        let mismatched = report.rows.filter { idByEmail[$0[5].lowercased()] != $0[3] }
        #expect(mismatched.isEmpty, "\(mismatched.prefix(3))")
        #expect((try emulator.stats()["faults"] ?? 0) > 0)
        #expect(!cli.exists("people.report.csv.journal"), "a finished run removes its journal")
    }
}
