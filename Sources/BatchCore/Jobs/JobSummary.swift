import BatchWire
import BatchReport
import Foundation

/// What a finished run did: printed at the end, and written as JSON with `--summary-json`.
public struct JobSummary: Sendable, Codable, Equatable {
    public var command: String
    public var rows: Int
    /// Rows by status (only statuses that occurred).
    public var counts: [String: Int]
    public var requests: Int
    public var retries: Int
    public var throttled: Int
    public var elapsedSeconds: Double
    public var reportPath: String?
    public var errorsPath: String?
    public var exitCode: Int32
    /// Set when the run stopped early (credentials, API unreachable, interrupted).
    public var stoppedBecause: String?
    /// The build that ran (`0.1.0 (commit 1a2b3c4d5e6f)`), so a summary says what produced it.
    public var version: String?
    /// When the run started and finished, ISO 8601 in UTC (`2026-01-31T02:30:00Z`): a nightly
    /// job's summaries line up with its log and with the API's own records.
    public var startedAt: String?
    public var finishedAt: String?

    public init(command: String) {
        self.command = command
        rows = 0
        counts = [:]
        requests = 0
        retries = 0
        throttled = 0
        elapsedSeconds = 0
        exitCode = 0
    }

    /// Takes the client's request counters.
    public mutating func record(_ stats: ClientStats) {
        requests = stats.requests
        retries = stats.retries
        throttled = stats.throttled
    }

    public mutating func count(_ status: RowStatus) {
        rows += 1
        counts[status.rawValue, default: 0] += 1
    }

    /// Counts `n` rows of one status at once.
    public mutating func count(_ status: RowStatus, times n: Int) {
        rows += n
        counts[status.rawValue, default: 0] += n
    }

    public func count(of status: RowStatus) -> Int { counts[status.rawValue] ?? 0 }

    /// 1 when any row is invalid or failed, else 0 (cli.md's exit codes).
    public var rowsExitCode: Int32 { count(of: .invalid) + count(of: .failed) > 0 ? 1 : 0 }

    /// Counts in a fixed, readable order: `12 created, 3 invalid`.
    public var countsLine: String {
        let parts = RowStatus.allCases.compactMap { s in counts[s.rawValue].map { "\($0) \(s.rawValue)" } }
        return parts.isEmpty ? "no rows" : parts.joined(separator: ", ")
    }

    public func json() -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? enc.encode(self)) ?? Data()
    }
}
