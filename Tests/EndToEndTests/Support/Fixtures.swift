import Foundation
import TestSupport
import Testing

/// Return URLs the import tests pass on the command line.
let googleReturn = "https://example.com/google-return"
let outlookReturn = "https://example.com/outlook-return"
let returnOptions = ["--google-return-url", googleReturn, "--outlook-return-url", outlookReturn]

/// The report's columns (cli.md).
let reportColumns = ["row", "line", "status", "id", "name", "email", "provider", "calendarId",
                     "calendarAvailability", "authUrl", "authorized", "message"]
/// An import report's columns: the report's, then `changes`.
let importReportColumns = reportColumns + ["changes"]

/// A CSV of `count` new people `name,email` with e-mails `<prefix><n>@example.com`, LF line ends.
func peopleCSV(_ count: Int, prefix: String = "person", start: Int = 1) -> String {
    var text = "name,email\n"
    for n in start..<(start + count) { text += "Person \(prefix) \(n),\(prefix)\(n)@example.com\n" }
    return text
}

/// The e-mails `peopleCSV` writes.
func peopleEmails(_ count: Int, prefix: String = "person", start: Int = 1) -> [String] {
    (start..<(start + count)).map { "\(prefix)\($0)@example.com" }
}

/// The `email` of every resource, lowercased.
func emails(of resources: [[String: Any]]) -> [String] {
    resources.map { (($0["email"] as? String) ?? "").lowercased() }
}

/// Percent-decoded text (for checking a return URL inside an authorization link).
func decoded(_ text: String) -> String { text.removingPercentEncoding ?? text }

/// Checks a report is complete: the header, one line per input row, rows 1…n in order.
func expectCompleteReport(_ report: CSVTable, rows: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(report.header == reportColumns || report.header == importReportColumns, sourceLocation: sourceLocation)
    #expect(report.rows.count == rows, "one report line per input row", sourceLocation: sourceLocation)
    let numbers = report.rows.map { Int($0.first ?? "") ?? -1 }
    let outOfPlace = numbers.enumerated().filter { $0.element != $0.offset + 1 }
    #expect(outOfPlace.isEmpty, "report rows in input order; first out of place: \(outOfPlace.prefix(3))", sourceLocation: sourceLocation)
}

/// Statuses of a report by row (0-based index = row - 1).
func statuses(_ report: CSVTable) -> [String] { report.rows.map { $0.count > 2 ? $0[2] : "" } }

/// Counts of each value.
func tally(_ values: [String]) -> [String: Int] { values.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
/// Reads a `--summary-json` file.
func summaryJSON(_ cli: CLIRunner, _ name: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(try cli.read(name))) as? [String: Any] ?? [:]
}
