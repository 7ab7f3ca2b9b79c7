import Foundation
import Testing
@testable import BatchCore
@testable import BatchJournal
@testable import BatchSync

private typealias S = JournalTestSupport

@Suite struct JournalReplayTests {
    @Test func linesCarryTheirTypeTag() throws {
        let text = String(decoding: try S.lines([.header(S.header()), S.intent([1, 2]), S.done([1])]), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].contains(#""t":"header""#) && lines[0].contains(#""fingerprint":"00112233445566aa""#))
        #expect(lines[0].contains(#""version":4"#) && lines[0].contains(#""chunkSize":100"#))
        #expect(lines[1].contains(#""t":"intent""#) && lines[1].contains(#""rows":[1,2]"#))
        #expect(lines[2].contains(#""t":"done""#) && lines[2].contains(#""status":"created""#))
        #expect(lines.allSatisfy { $0.hasPrefix(#"{"t":""#) })
        #expect(lines[1] == #"{"t":"intent","chunk":"1","emails":["p1@example.com","p2@example.com"],"op":"create","rows":[1,2],"seal":"0ce62e8c11cfec3a"}"#)
    }

    @Test func codableAndLineAgree() throws {
        for entry in [JournalEntry.header(S.header()), S.intent([3]), S.done([4, 5]), .withdrawn(JournalWithdrawn(rows: [6, 7]))] {
            #expect(try JSONDecoder().decode(JournalEntry.self, from: entry.line()) == entry)
            #expect(try JSONDecoder().decode(JournalEntry.self, from: JSONEncoder().encode(entry)) == entry)
        }
    }

    @Test func readsAHandWrittenJournal() throws {
        let text = """
            {"t":"header","version":1,"input":{"path":"a.csv","size":10,"fingerprint":"ab"},"created":"2026-11-25T10:00:00Z","options":{"chunkSize":50,"matchBy":"none"}}
            {"t":"intent","chunk":"1","op":"create","rows":[1,2,3],"emails":["a@x.com","b@x.com","c@x.com"]}
            {"t":"done","rows":[{"row":2,"status":"failed","message":"Email is invalid"}]}
            {"t":"done","rows":[{"row":4,"status":"updated","id":"77","authorized":true}]}

            """
        let replay = try JournalReplay.replay(Data(text.utf8), path: "j")
        #expect(replay.header?.options == JournalOptions(chunkSize: 50, matchBy: "none"))
        #expect(replay.header?.input.size == 10)
        #expect(replay.finished[2]?.status == .failed)
        #expect(replay.finished[2]?.message == "Email is invalid")
        #expect(replay.finished[4]?.id == "77")
        #expect(replay.uncertainCreates == [.init(row: 1, email: "a@x.com"), .init(row: 3, email: "c@x.com")])
        #expect(!replay.droppedTornLine)
    }

    @Test func roundTripOfFinishedAndUncertainRows() throws {
        let entries = [.header(S.header()), S.intent([1, 2, 3]), S.done([1, 2, 3]), S.intent([4, 5], chunk: "2"),
                       .done(JournalDone(rows: [JournalRowOutcome(row: 6, status: .updated, id: "x")]))]
        let data = try S.lines(entries)
        let replay = try JournalReplay.replay(data, path: "j")
        #expect(replay.header == S.header())
        #expect(replay.finished.keys.sorted() == [1, 2, 3, 6])
        #expect(replay.finished[2] == JournalRowOutcome(
            row: 2, status: .created, id: "id2", authUrl: "https://accounts.google.com/o/oauth2/auth?x=2",
            authorized: false, provider: "google", calendarId: "p2@gmail.com", name: "P 2",
            email: "p2@example.com", calendarAvailability: 1))
        #expect(replay.uncertainCreates.map(\.row) == [4, 5])
        #expect(replay.uncertainCreates.map(\.email) == ["p4@example.com", "p5@example.com"])
        #expect(replay.validByteCount == data.count)
        #expect(replay.lineCount == 5)
    }

    /// A withdrawal takes back one create intent of each of its rows (never sent): a row with only
    /// that intent is no longer uncertain; one an earlier create intent left open (an answer lost,
    /// an earlier run's) still is, until as many withdrawals or an outcome close it.
    @Test func aWithdrawalTakesBackOneIntentOfEachRow() throws {
        let line = String(decoding: try JournalEntry.withdrawn(JournalWithdrawn(rows: [3, 4])).line(), as: UTF8.self)
        #expect(line.hasPrefix(#"{"t":"withdrawn","rows":[3,4],"seal":""#))
        let entries: [JournalEntry] = [
            .header(S.header()), S.intent([1, 2]), S.done([1, 2]),
            S.intent([3, 4, 5, 6], chunk: "2+3"),  // rows 5, 6 sent, 3, 4 folded ahead
            S.done([5]),                            // 6's answer lost
            S.intent([6], chunk: "4"),              // 6 sent again after its look-up
            .withdrawn(JournalWithdrawn(rows: [3, 4, 6])),
            S.intent([7], chunk: "5"), S.intent([7], chunk: "6"), .withdrawn(JournalWithdrawn(rows: [7])),
            .withdrawn(JournalWithdrawn(rows: [7])), .withdrawn(JournalWithdrawn(rows: [8])),
        ]
        let replay = try JournalReplay.replay(try S.lines(entries), path: "j")
        #expect(replay.uncertainCreates.map(\.row) == [6])
        #expect(replay.finished.keys.sorted() == [1, 2, 5])
        // An outcome closes every intent of its row: a refused row tried again and withdrawn is
        // neither finished nor uncertain (it was never created).
        let closed = try JournalReplay.replay(try S.lines([.header(S.header()), S.intent([1]), S.intent([1]),
                                                           S.done([1], status: .failed), S.intent([1]),
                                                           .withdrawn(JournalWithdrawn(rows: [1]))]), path: "j")
        #expect(closed.uncertainCreates.isEmpty)
        #expect(closed.finished.isEmpty)
        // Before the header it is an error like any entry.
        #expect(throws: JournalError.self) {
            try JournalReplay.replay(try S.lines([.withdrawn(JournalWithdrawn(rows: [1]))]), path: "j")
        }
    }

    @Test func anUpdateIntentIsNotAnUncertainCreate() throws {
        let update = JournalEntry.intent(JournalIntent(chunk: "3", op: .update, rows: [9], emails: [nil]))
        let replay = try JournalReplay.replay(try S.lines([.header(S.header()), update]), path: "j")
        #expect(replay.uncertainCreates.isEmpty)
        #expect(!replay.isFinished(9))
    }

    @Test func aTornLastLineIsDropped() throws {
        let whole = try S.lines([.header(S.header()), S.intent([1]), S.done([1])])
        let torn = try S.lines([S.intent([2, 3])]).dropLast(9)
        let replay = try JournalReplay.replay(whole + torn, path: "j")
        #expect(replay.droppedTornLine)
        #expect(replay.validByteCount == whole.count)
        #expect(replay.isFinished(1))
        #expect(replay.uncertainCreates.isEmpty)
    }

    @Test func evenAParsableUnterminatedLineIsDropped() throws {
        let whole = try S.lines([.header(S.header()), S.intent([1])])
        let replay = try JournalReplay.replay(whole + (try S.lines([S.done([1])])).dropLast(), path: "j")
        #expect(replay.droppedTornLine)
        #expect(replay.uncertainCreates.map(\.row) == [1])
    }

    @Test func garbageInTheMiddleNamesItsLine() throws {
        var data = try S.lines([.header(S.header()), S.intent([1])])
        data.append(Data("{\"t\":\"done\",\"rows\":[{\"row\":1\n".utf8))
        data.append(try S.lines([S.done([1])]))
        let error = #expect(throws: JournalError.self) { try JournalReplay.replay(data, path: "run.journal") }
        #expect(error?.description.hasPrefix("journal run.journal is damaged at line 3:") == true)
        if case .corrupt(let path, let line, _)? = error {
            #expect(path == "run.journal" && line == 3)
        } else {
            Issue.record("expected .corrupt, got \(String(describing: error))")
        }
    }

    @Test func unknownTypeAndMissingHeaderAreErrors() throws {
        let unknown = Data(#"{"t":"header","version":1,"input":{"path":"a","size":1,"fingerprint":"f"},"created":"x","options":{"chunkSize":1,"matchBy":"email"}}"#.utf8)
            + Data("\n{\"t\":\"oops\"}\n".utf8)
        #expect(throws: JournalError.self) { try JournalReplay.replay(unknown, path: "j") }
        let headless = try S.lines([S.intent([1])])
        #expect(throws: JournalError.corrupt(path: "j", line: 1, reason: "an entry before the header")) {
            try JournalReplay.replay(headless, path: "j")
        }
    }

    /// The intent and done lines are written by hand: they must say exactly what the encoder
    /// would, whatever the strings hold, and read back as the same entries.
    @Test func handWrittenLinesAreWhatTheEncoderWrites() throws {
        let awkward = ["", "plain", "quote \" and backslash \\", "line\nbreak\ttab\r", "ctl \u{01}\u{1F}", "Zoë 🎉",
                       "https://accounts.google.com/o/oauth2/auth?x=1&y=a/b", "</script>"]
        var outcomes: [JournalRowOutcome] = []
        for (i, s) in awkward.enumerated() {
            outcomes.append(JournalRowOutcome(
                row: i + 1, status: [.created, .updated, .failed][i % 3], id: i % 2 == 0 ? "id\(s)" : nil,
                authUrl: i % 3 == 0 ? s : nil, authorized: i % 4 == 0 ? nil : i % 2 == 0, message: i % 2 == 1 ? s : nil,
                provider: i % 3 == 1 ? "google" : nil, calendarId: s, name: s, email: i % 5 == 0 ? nil : s,
                calendarAvailability: i % 3 == 2 ? nil : i % 3))
        }
        let entries: [JournalEntry] = [
            .intent(JournalIntent(chunk: "7.1.2", op: .create, rows: [3, 1, 2], emails: ["a@x", nil, awkward[2]])),
            .intent(JournalIntent(chunk: awkward[3], op: .update, rows: [], emails: [])),
            .done(JournalDone(chunk: nil, rows: outcomes)),
            .done(JournalDone(chunk: "9", rows: [])),
            .withdrawn(JournalWithdrawn(rows: [5, 2, 9])),
            .withdrawn(JournalWithdrawn(rows: [])),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for entry in entries {
            let line = try entry.line()
            #expect(try JSONDecoder().decode(JournalEntry.self, from: line) == entry)
            // The same JSON value as the encoder's (key order and escapes aside, which JSON ignores).
            let encoded: Data = switch entry {
            case .intent(let i): try encoder.encode(i)
            case .done(let d): try encoder.encode(d)
            case .header(let h): try encoder.encode(h)
            case .withdrawn(let w): try encoder.encode(w)
            }
            var ours = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
            ours.removeValue(forKey: "t")
            ours.removeValue(forKey: "seal")
            let theirs = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
            #expect(NSDictionary(dictionary: ours).isEqual(to: theirs), "\(String(decoding: line, as: UTF8.self))")
        }
    }

    @Test func aChangedLineIsFoundByItsChecksum() throws {
        let text = String(decoding: try S.lines([.header(S.header()), S.intent([1, 2]), S.done([1])]), as: UTF8.self)
        // Row 1's outcome turned into row 2's: a valid JSON line, but not the one that was written.
        let tampered = text.replacingOccurrences(of: #""row":1,"status":"created""#, with: #""row":2,"status":"created""#)
        #expect(tampered != text)
        #expect(throws: JournalError.corrupt(path: "j", line: 3, reason: "its checksum does not match: the line was changed after it was written")) {
            try JournalReplay.replay(Data(tampered.utf8), path: "j")
        }
        // A line without a checksum in a version-3 journal was not written by the tool either.
        let unsealed = text.split(separator: "\n").prefix(2).joined(separator: "\n") + "\n"
            + #"{"t":"done","rows":[{"row":2,"status":"created","id":"x"}]}"# + "\n"
        #expect(throws: JournalError.self) { try JournalReplay.replay(Data(unsealed.utf8), path: "j") }
        // Version 1 journals, written before lines were sealed, still read.
        let old = #"{"t":"header","version":1,"created":"2026-01-01T00:00:00Z","input":{"path":"a.csv","size":1,"fingerprint":"ab"},"options":{"chunkSize":100,"matchBy":"email"}}"#
            + "\n" + #"{"t":"done","rows":[{"row":1,"status":"created","id":"x"}]}"# + "\n"
        #expect(try JournalReplay.replay(Data(old.utf8), path: "j").finished.keys.sorted() == [1])
    }

    @Test func aNewerVersionIsRefused() throws {
        var header = S.header()
        header.version = JournalHeader.currentVersion + 1
        #expect(throws: JournalError.unsupportedVersion(path: "j", version: JournalHeader.currentVersion + 1)) {
            try JournalReplay.replay(try S.lines([.header(header)]), path: "j")
        }
    }
}
