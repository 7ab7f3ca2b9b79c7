import Foundation

/// `auth-links [--people N] [--rate R] [--latency MS]`: the release `resource-batch auth-links` as a
/// child process against a `resource-batch emulator` child limited to R requests/s (with MS of
/// latency) holding N people with unauthorized calendars (half Google, half Outlook), both return
/// URLs given. The bound is one token request plus ⌈N / 100⌉ list pages, at R requests/s; one
/// request per person (the former way) would be N + ⌈N / 100⌉ + 1. Prints the requests made
/// (`--summary-json`), the wall time, links written and the client's CPU time and peak RSS.
enum AuthLinksBench {
    static func run(_ args: [String]) async -> Int32 {
        guard let o = ImportBench.options(args, ["--people": "10000", "--rate": "5", "--latency": "40"],
                                          usage: "auth-links [--people N] [--rate R] [--latency MS]") else { return 2 }
        do {
            BenchTable.print(try rows(people: Int(o["--people"]!)!, rate: Double(o["--rate"]!)!, latencyMS: Double(o["--latency"]!)!))
            return 0
        } catch {
            printError("auth-links benchmark: \(error)")
            return 1
        }
    }

    static func rows(people: Int, rate: Double, latencyMS: Double) throws -> [BenchRow] {
        let dir = BenchProcess.temporaryDirectory + "/resource-batch-bench-auth-links-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeTenant(people: people, to: dir + "/data/emulator.json")
        let binary = BenchProcess.productBinary
        let emulator = try EmulatorChild(binary: binary, arguments: [
            "--data", dir + "/data", "--rate-limit", "\(rate)",
        ] + (latencyMS > 0 ? ["--faults", "latency=\(Int(latencyMS))ms"] : []))
        defer { emulator.stop() }
        let argv = [
            binary, "auth-links", "--out", dir + "/links.csv", "--api-url", emulator.url, "--rate", "\(rate)",
            "--google-return-url", "https://example.com/google-back", "--outlook-return-url", "https://example.com/outlook-back",
            "--summary-json", dir + "/summary.json", "--quiet",
        ]
        let child = try BenchProcess.run(argv, environment: ["ONSCHED_CLIENT_ID": "sbox-bench", "ONSCHED_CLIENT_SECRET": "x"],
                                         stderr: dir + "/stderr.txt")
        guard child.status == 0 else {
            let err = (try? String(contentsOfFile: dir + "/stderr.txt", encoding: .utf8)) ?? ""
            throw BenchError("resource-batch auth-links exited with \(child.status): \(err)")
        }
        let summaryData = (try? Data(contentsOf: URL(fileURLWithPath: dir + "/summary.json"))) ?? Data()
        let summary = (try? JSONSerialization.jsonObject(with: summaryData) as? [String: Any]) ?? [:]
        let requests = summary["requests"] as? Int ?? -1
        let throttled = summary["throttled"] as? Int ?? -1
        let links = ((try? String(contentsOfFile: dir + "/links.csv", encoding: .utf8)) ?? "")
            .split(whereSeparator: \.isNewline).dropFirst().filter { $0.contains("https://") }.count
        let pages = (people + 99) / 100
        let bound = 1 + pages
        let boundSeconds = Double(bound) / rate
        let formerRequests = 1 + pages + people
        printError("auth-links: \(people) people at --rate \(fmt(rate, 0)) (emulator --rate-limit \(fmt(rate, 0)), latency \(Int(latencyMS)) ms): "
                   + "\(requests) API requests + 1 token fetch, \(throttled) 429s, \(fmt(child.wall)) s, \(links) links; bound \(bound) requests "
                   + "≈ \(fmt(boundSeconds, 1)) s; one request per person would be \(formerRequests) ≈ \(fmt(Double(formerRequests) / rate / 60, 1)) min; "
                   + "client CPU \(fmt(child.cpu)) s, peak RSS \(child.maxRSSKB / 1024) MiB")
        return [
            BenchRow(suite: "auth-links", measure: "API requests (+ 1 token fetch), \(people) people with unauthorized calendars, both return URLs",
                     result: "\(requests) + 1 (\(throttled) × 429)", reference: "bound: token + \(pages) list pages = \(bound)",
                     verdict: requests + 1 <= bound ? "met (≤ bound)" : "NOT met (> bound)"),
            BenchRow(suite: "auth-links", measure: "wall time at --rate \(fmt(rate, 0)), \(Int(latencyMS)) ms latency; links written",
                     result: "\(fmt(child.wall, 1)) s; \(links) links",
                     reference: "\(bound) requests / \(fmt(rate, 0)) per s ≈ \(fmt(boundSeconds, 1)) s; one per person: \(formerRequests) ≈ \(fmt(Double(formerRequests) / rate / 60, 1)) min",
                     verdict: links == people ? "every person linked" : "\(links) of \(people) linked"),
            BenchRow(suite: "auth-links", measure: "client CPU (user+sys) / peak RSS", result: "\(fmt(child.cpu)) s / \(child.maxRSSKB / 1024) MiB",
                     reference: "wall \(fmt(child.wall)) s", verdict: ""),
        ]
    }

    /// The emulator's data file (`DIR/emulator.json`) with `people` resources, Google and Outlook
    /// in turn, none authorized.
    static func writeTenant(people: Int, to path: String) throws {
        var resources: [Any] = []
        resources.reserveCapacity(people)
        for i in 0..<people {
            var r: [String: Any] = ["id": 38335 + i, "locationId": "1", "name": "Person \(i)", "email": "p\(i)@example.com"]
            if i % 2 == 0 {
                r["googleCalendarId"] = "p\(i)@gmail.com"
                r["calendarAvailability"] = 1
            } else {
                r["outlookCalendarId"] = "p\(i)@outlook.com"
                r["calendarAvailability"] = 2
            }
            resources.append(r)
        }
        let document: [String: Any] = ["version": 1, "nextId": 38335 + people, "resources": resources]
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: path))
    }
}
