import Foundation
import TestSupport
@testable import BatchCore
@testable import BatchJournal
@testable import BatchSync

/// Scratch directories and sample entries for the journal tests.
enum JournalTestSupport {
    /// A fresh empty directory (``TempDir``), as a path.
    static func makeDirectory() throws -> String { try TempDir().url.path }

    static func remove(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
    }

    static let input = InputFingerprint(path: "people.csv", size: 1234, fingerprint: "00112233445566aa")

    static func header(_ input: InputFingerprint = input) -> JournalHeader {
        JournalHeader(
            input: input, options: JournalOptions(chunkSize: 100, matchBy: "email"),
            created: Date(timeIntervalSince1970: 1_800_000_000))
    }

    static func intent(_ rows: [Int], chunk: String = "1") -> JournalEntry {
        .intent(JournalIntent(chunk: chunk, op: .create, rows: rows, emails: rows.map { "p\($0)@example.com" }))
    }

    static func done(_ rows: [Int], status: JournalRowOutcome.Status = .created) -> JournalEntry {
        .done(JournalDone(chunk: "1", rows: rows.map {
            JournalRowOutcome(
                row: $0, status: status, id: "id\($0)", authUrl: "https://accounts.google.com/o/oauth2/auth?x=\($0)",
                authorized: false, provider: "google", calendarId: "p\($0)@gmail.com", name: "P \($0)",
                email: "p\($0)@example.com", calendarAvailability: 1)
        }))
    }

    /// The entries as journal lines.
    static func lines(_ entries: [JournalEntry]) throws -> Data {
        var data = Data()
        for entry in entries {
            data.append(try entry.line())
            data.append(UInt8(ascii: "\n"))
        }
        return data
    }
}
