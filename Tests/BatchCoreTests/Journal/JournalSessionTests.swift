import Foundation
import Testing
@testable import BatchCore
@testable import BatchJournal

private typealias S = JournalTestSupport

/// A plain run never refuses the journal an earlier night left: same input and options carry it
/// on, anything else is set aside; only an explicit resume insists on the same input.
@Suite struct JournalSessionTests {
    static let other = InputFingerprint(path: "people.csv", size: 999, fingerprint: "ffeeddccbbaa9988")

    @Test func aNewJournalStartsFreshAndIsRemovedWhenNothingWasSent() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let session = try JournalSession.begin(path: path, header: S.header(), resume: false)
        #expect(session.start == .fresh)
        #expect(session.end(finished: false, sentWrites: false) == false)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aStoppedRunThatSentWritesKeepsItsJournal() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let session = try JournalSession.begin(path: path, header: S.header(), resume: false)
        #expect(session.end(finished: false, sentWrites: true) == true)
        #expect(FileManager.default.fileExists(atPath: path))
        let finished = try JournalSession.begin(path: path, header: S.header(), resume: false)
        #expect(finished.end(finished: true, sentWrites: true) == false)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func theSameInputIsCarriedOnWithoutResume() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (journal, _) = try Journal.open(path: path, header: S.header(), resume: false)
        try journal.append([S.intent([1, 2]), S.done([1])])
        journal.close()
        let session = try JournalSession.begin(path: path, header: S.header(), resume: false)
        #expect(session.start == .resumed(explicit: false))
        #expect(session.replay.finished.keys.sorted() == [1])
        #expect(session.replay.uncertainCreates.map(\.row) == [2])
        // It carries an earlier run's work: a stop that sends nothing keeps it.
        #expect(session.end(finished: false, sentWrites: false) == true)
    }

    @Test func anotherInputsJournalIsSetAsideWithItsUncertainCreates() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (journal, _) = try Journal.open(path: path, header: S.header(), resume: false)
        try journal.append([S.intent([1, 2, 3]), S.done([1])])
        journal.close()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let session = try JournalSession.begin(path: path, header: S.header(Self.other), resume: false, now: now)
        guard case .setAside(let aside, let reason) = session.start else {
            Issue.record("expected a set-aside journal, got \(session.start)")
            return
        }
        #expect(aside == path + ".settled-20270115T080000Z")
        #expect(reason.contains("another input"))
        #expect(session.setAside?.uncertainCreates.map(\.row) == [2, 3])
        #expect(session.replay.finished.isEmpty && session.replay.uncertainCreates.isEmpty)  // a new journal
        #expect(FileManager.default.fileExists(atPath: aside))
        session.journal.close()
        // A second set-aside in the same second gets its own name.
        let again = try JournalSession.begin(path: path, header: S.header(), resume: false, now: now)
        #expect(again.start == .setAside(asidePath: path + ".settled-20270115T080000Z-2", reason: "it belongs to another input"))
        again.journal.close()
    }

    @Test func anExplicitResumeStillRefusesAnotherInput() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (journal, _) = try Journal.open(path: path, header: S.header(), resume: false)
        try journal.append(S.intent([1]))
        journal.close()
        #expect(throws: JournalError.self) {
            _ = try JournalSession.begin(path: path, header: S.header(Self.other), resume: true)
        }
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func aDamagedJournalIsSetAsideNotFatal() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        try S.lines([.header(S.header())]).write(to: URL(fileURLWithPath: path))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("not json\n".utf8))
        try handle.close()
        let session = try JournalSession.begin(path: path, header: S.header(), resume: false)
        guard case .setAside(_, let reason) = session.start else {
            Issue.record("expected a set-aside journal, got \(session.start)")
            return
        }
        #expect(reason.contains("damaged at line 2"))
        session.journal.close()
    }
}
