import Foundation
import Testing
@testable import BatchJournal
@testable import BatchModel

/// Journal lines are written with `JSONWriter` since issue 17. The writer they replaced (the
/// hand-written appends of commit ca0df90, copied below as it was) is the reference: the new
/// lines must be the same bytes, and a journal written by the old code must replay.
@Suite struct JournalLineCompatibilityTests {
    // MARK: - The writer before issue 17, verbatim but for names

    static func oldAppendString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    static func oldBytes(_ intent: JournalIntent) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"t":"intent","chunk":"#.utf8)
        oldAppendString(intent.chunk, to: &out)
        out.append(contentsOf: #","emails":["#.utf8)
        for (n, email) in intent.emails.enumerated() {
            if n > 0 { out.append(0x2C) }
            if let email { oldAppendString(email, to: &out) } else { out.append(contentsOf: "null".utf8) }
        }
        out.append(contentsOf: #"],"op":"#.utf8)
        oldAppendString(intent.op.rawValue, to: &out)
        out.append(contentsOf: #","rows":["#.utf8)
        for (n, number) in intent.rows.enumerated() {
            if n > 0 { out.append(0x2C) }
            out.append(contentsOf: String(number).utf8)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    static func oldBytes(_ done: JournalDone) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"t":"done""#.utf8)
        if let chunk = done.chunk {
            out.append(contentsOf: #","chunk":"#.utf8)
            oldAppendString(chunk, to: &out)
        }
        out.append(contentsOf: #","rows":["#.utf8)
        for (n, o) in done.rows.enumerated() {
            if n > 0 { out.append(0x2C) }
            var first = true
            func key(_ name: String) {
                out.append(first ? 0x7B : 0x2C)
                out.append(contentsOf: "\"\(name)\":".utf8)
                first = false
            }
            func text(_ name: String, _ value: String?) {
                guard let value else { return }
                key(name)
                oldAppendString(value, to: &out)
            }
            text("authUrl", o.authUrl)
            if let authorized = o.authorized {
                key("authorized")
                out.append(contentsOf: (authorized ? "true" : "false").utf8)
            }
            if let availability = o.calendarAvailability {
                key("calendarAvailability")
                out.append(contentsOf: String(availability).utf8)
            }
            text("calendarId", o.calendarId)
            text("email", o.email)
            text("id", o.id)
            text("message", o.message)
            text("name", o.name)
            text("provider", o.provider)
            key("row")
            out.append(contentsOf: String(o.row).utf8)
            text("status", o.status.rawValue)
            out.append(0x7D)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    // MARK: - Generated entries

    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static func text(_ r: inout Rng) -> String? {
        let pieces = ["a", "é", "😀", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "https://x.example/?a=b&c=%2F", " ", "long text "]
        if r.below(4) == 0 { return nil }
        return (0..<r.below(40)).map { _ in pieces[r.below(pieces.count)] }.joined()
    }

    static func entries(_ r: inout Rng) -> [JournalEntry] {
        var out: [JournalEntry] = []
        for chunk in 0..<60 {
            let rows = (0..<r.below(12)).map { _ in r.below(100_000) }
            out.append(.intent(JournalIntent(chunk: "\(chunk)\(text(&r) ?? "")", op: r.below(2) == 0 ? .create : .update,
                                             rows: rows, emails: rows.map { _ in text(&r) })))
            let statuses: [JournalRowOutcome.Status] = [.created, .updated, .failed]
            out.append(.done(JournalDone(chunk: r.below(5) == 0 ? nil : "\(chunk)", rows: rows.map { row in
                JournalRowOutcome(
                    row: row, status: statuses[r.below(3)], id: text(&r), authUrl: text(&r),
                    authorized: r.below(3) == 0 ? nil : r.below(2) == 0, message: text(&r), provider: text(&r),
                    calendarId: text(&r), name: text(&r), email: text(&r),
                    calendarAvailability: r.below(3) == 0 ? nil : r.below(3) - 1)
            })))
        }
        return out
    }

    static func oldLine(_ entry: JournalEntry) throws -> Data {
        switch entry {
        case .intent(let i): JournalLineSeal.seal(Data(oldBytes(i)))
        case .done(let d): JournalLineSeal.seal(Data(oldBytes(d)))
        case .header: try entry.line()  // unchanged: still JSONEncoder
        case .withdrawn: try entry.line()  // new in version 4: no old writer
        }
    }

    @Test func linesAreTheBytesTheOldWriterWrote() throws {
        var r = Rng(state: 3)
        for entry in Self.entries(&r) {
            let new = try entry.line()
            let old = try Self.oldLine(entry)
            #expect(new == old, "\(String(decoding: new, as: UTF8.self))\n\(String(decoding: old, as: UTF8.self))")
        }
    }

    @Test func aJournalWrittenByTheOldWriterReplays() throws {
        var r = Rng(state: 8)
        let header = JournalHeader(
            input: InputFingerprint(path: "people.csv", size: 1234, fingerprint: "00112233445566aa"),
            options: JournalOptions(chunkSize: 100, matchBy: "email"), created: Date(timeIntervalSince1970: 1_800_000_000))
        let entries = [JournalEntry.header(header)] + Self.entries(&r)
        var old = Data()
        for entry in entries {
            old.append(try Self.oldLine(entry))
            old.append(0x0A)
        }
        let replayed = try JournalReplay.replay(old, path: "old.journal")
        var expected = JournalReplay(path: "old.journal")
        for (n, entry) in entries.enumerated() { try expected.apply(entry, line: n + 1) }
        #expect(replayed.header == header)
        #expect(replayed.lineCount == entries.count)
        #expect(replayed.finished == expected.finished)
        #expect(replayed.uncertainCreates == expected.uncertainCreates)
        #expect(!replayed.finished.isEmpty)
    }
}
