import Foundation
import Testing
@testable import BatchCore
@testable import BatchRules

@Suite struct DomainHostingTableTests {
    @Test func parsesHeaderCommentsBlanksAndSpaces() throws {
        let table = try DomainHostingTable(parsing: "\u{FEFF}domain,provider\r\n# comment\n\n  Acme.COM , Google \nbeta.org,microsoft\ngamma.net,other\n", file: "h.csv")
        #expect(table.count == 3)
        #expect(table.provider(for: "acme.com") == .google)
        #expect(table.provider(for: "ACME.com.") == .google)
        #expect(table.provider(for: "beta.org") == .microsoft)
        #expect(table.provider(for: "gamma.net") == .other)
        #expect(table.provider(for: "eu.acme.com") == nil)
    }

    @Test func headerIsOptional() throws {
        let table = try DomainHostingTable(parsing: "acme.com,google", file: "h.csv")
        #expect(table.provider(for: "acme.com") == .google)
    }

    @Test func badLinesNameFileAndLine() {
        #expect(throws: DomainHostingTableError(file: "h.csv", line: 3, reason: "unknown provider \"yahoo\" for acme.com (expected google, microsoft or other)")) {
            try DomainHostingTable(parsing: "domain,provider\n\nacme.com,yahoo\n", file: "h.csv")
        }
        #expect(throws: DomainHostingTableError.self) { try DomainHostingTable(parsing: "acme.com\n", file: "h.csv") }
        #expect(throws: DomainHostingTableError.self) { try DomainHostingTable(parsing: "acme.com,google,x\n", file: "h.csv") }
        #expect(throws: DomainHostingTableError.self) { try DomainHostingTable(parsing: ",google\n", file: "h.csv") }
        #expect(throws: DomainHostingTableError.self) { try DomainHostingTable(parsing: "x@acme.com,google\n", file: "h.csv") }
        do {
            _ = try DomainHostingTable(parsing: "a.com,google\nb.com,google\na.com,microsoft\n", file: "h.csv")
            Issue.record("conflicting duplicate accepted")
        } catch {
            #expect(error.line == 3)
            #expect(error.description.hasPrefix("h.csv:3: "))
            #expect(error.description.contains("line 1"))
        }
    }

    @Test func loadsFromFileAndReportsMissingFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hosting-\(UUID().uuidString).csv").path
        try "acme.com,microsoft\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try DomainHostingTable(contentsOf: path).provider(for: "acme.com") == .microsoft)
        #expect(throws: DomainHostingTableError.self) { try DomainHostingTable(contentsOf: path + ".missing") }
    }
}
