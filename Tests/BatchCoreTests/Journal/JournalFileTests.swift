import Foundation
import Testing
import TestSupport
@testable import BatchCore
@testable import BatchJournal

#if canImport(Glibc)
import Glibc
#endif

private typealias S = JournalTestSupport

private func mode(of path: String) -> mode_t {
    var info = stat()
    guard stat(path, &info) == 0 else { return 0 }
    return info.st_mode & 0o777
}

private func contents(_ path: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: path))
}

private func appendRaw(_ bytes: Data, to path: String) throws {
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: bytes)
    try handle.close()
}

/// Runs `/usr/bin/flock -n FILE true`: exit 0 when another process could take the lock, 1 when not.
private func flockFromAnotherProcess(_ file: String) throws -> Int32 {
    try ChildProcess.run("/usr/bin/flock", ["-n", file, "true"], timeout: 30).status
}

@Suite struct JournalFileTests {
    @Test func writeThenResumeReplaysTheRun() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (journal, fresh) = try Journal.open(path: path, header: S.header(), resume: false)
        #expect(fresh.header == S.header())
        #expect(fresh.finished.isEmpty && fresh.uncertainCreates.isEmpty)
        try journal.append([S.intent([1, 2])])
        try journal.append(S.done([1, 2]))
        try journal.append([S.intent([3, 4], chunk: "2"), S.done([5], status: .updated)])
        journal.close()

        let (again, replay) = try Journal.open(path: path, header: S.header(), resume: true)
        defer { again.close() }
        #expect(replay.header == S.header())
        #expect(replay.finished.keys.sorted() == [1, 2, 5])
        #expect(replay.finished[5]?.status == .updated)
        #expect(replay.uncertainCreates == [.init(row: 3, email: "p3@example.com"), .init(row: 4, email: "p4@example.com")])
        // A resumed run appends to the same file, without a second header.
        try again.append(S.done([3, 4]))
        let lines = String(decoding: try contents(path), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.filter { $0.contains(#""t":"header""#) }.count == 1)
    }

    /// `append` writes each entry's `line()` and a newline, byte for byte, whether one entry or
    /// several at a time (it writes the lines' own bytes, not `line()`'s `Data`).
    @Test func appendedLinesAreTheEntriesLinesByteForByte() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (journal, _) = try Journal.open(path: path, header: S.header(), resume: false)
        let before = try contents(path)
        let entries = [S.intent([1, 2]), S.done([1, 2]), S.intent([3, 4], chunk: "2"), S.done([3], status: .failed)]
        try journal.append([entries[0]])
        try journal.append(entries[1], sync: false)
        try journal.append(Array(entries[2...]))
        journal.close()
        #expect(try contents(path) == before + (try S.lines(entries)))
    }

    /// Lines appended without a sync are in the file (for the next run, and for a reader) as
    /// synced ones are; close() syncs them.
    @Test func linesAppendedWithoutSyncReplayAsOthers() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (journal, _) = try Journal.open(path: path, header: S.header(), resume: false)
        try journal.append([S.intent([1, 2])])
        try journal.append(S.done([1, 2]), sync: false)
        try journal.append([S.intent([3, 4], chunk: "2")])
        try journal.append(S.done([3]), sync: false)
        journal.close()

        let (again, replay) = try Journal.open(path: path, header: S.header(), resume: true)
        defer { again.close() }
        #expect(replay.finished.keys.sorted() == [1, 2, 3])
        #expect(replay.uncertainCreates == [.init(row: 4, email: "p4@example.com")])
    }

    @Test func theJournalIsPrivate() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (journal, _) = try Journal.open(path: path, header: S.header(), resume: false)
        defer { journal.close() }
        #expect(mode(of: path) == 0o600)
        #expect(mode(of: path + ".lock") == 0o600)
    }

    @Test func aTornLastLineIsCutOffOnResume() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (journal, _) = try Journal.open(path: path, header: S.header(), resume: false)
        try journal.append([S.intent([1]), S.done([1])])
        journal.close()
        let good = try contents(path)
        try appendRaw(Data(#"{"t":"intent","chunk":"2","op":"cre"#.utf8), to: path)

        let (resumed, replay) = try Journal.open(path: path, header: S.header(), resume: true)
        #expect(replay.droppedTornLine)
        #expect(replay.isFinished(1) && replay.uncertainCreates.isEmpty)
        #expect(try contents(path) == good)
        try resumed.append(S.intent([2]))
        resumed.close()

        let (_, later) = try Journal.open(path: path, header: S.header(), resume: true)
        #expect(!later.droppedTornLine)
        #expect(later.uncertainCreates.map(\.row) == [2])
    }

    @Test func garbageInTheMiddleIsAnErrorNamingTheLine() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (journal, _) = try Journal.open(path: path, header: S.header(), resume: false)
        journal.close()
        try appendRaw(Data("not json at all\n".utf8) + (try S.lines([S.done([1])])), to: path)
        let error = #expect(throws: JournalError.self) {
            _ = try Journal.open(path: path, header: S.header(), resume: true)
        }
        #expect(error?.description.contains("damaged at line 2") == true)
        // The failed open released its lock.
        #expect(!FileManager.default.fileExists(atPath: path + ".lock"))
    }

    @Test func aJournalOfAnotherFileIsRefused() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (journal, _) = try Journal.open(path: path, header: S.header(), resume: false)
        journal.close()
        let other = InputFingerprint(path: "people.csv", size: 1234, fingerprint: "ffffffffffffffff")
        let error = #expect(throws: JournalError.self) {
            _ = try Journal.open(path: path, header: S.header(other), resume: true)
        }
        #expect(error == .differentInput(path: path, journal: S.input, input: other))
        #expect(error?.description.contains("journal \(path) was made from a different file (people.csv") == true)
    }

    /// A journal of version 2 recorded the input's FNV-1a: resuming it hashes the input that way
    /// again, so the same file carries on and a changed one is still refused.
    @Test func aVersionTwoJournalResumesOnItsOwnHash() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let input = dir + "/people.csv"
        try Data("name,email\nAna,ana@example.com\n".utf8).write(to: URL(fileURLWithPath: input))
        let old = try InputFingerprint.compute(path: input, hash: .fnv1a)
        var header = S.header(old)
        header.version = 2
        let path = dir + "/run.journal"
        let (journal, _) = try Journal.open(path: path, header: header, resume: false)
        try journal.append([S.intent([1])])
        journal.close()

        let now = try InputFingerprint.compute(path: input)
        #expect(InputFingerprint.Hash.of(now.fingerprint) == .words)
        let (again, replay) = try Journal.open(path: path, header: S.header(now), resume: true)
        again.close()
        #expect(replay.header?.version == 2 && replay.uncertainCreates.count == 1)

        try Data("name,email\nAna,ana@example.org\n".utf8).write(to: URL(fileURLWithPath: input))
        let changed = try InputFingerprint.compute(path: input)
        #expect(throws: JournalError.self) { _ = try Journal.open(path: path, header: S.header(changed), resume: true) }
    }

    @Test func aJournalOfStandardInputCannotBeResumedFromAFile() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (journal, _) = try Journal.open(path: path, header: S.header(.standardInput), resume: false)
        journal.close()
        let error = #expect(throws: JournalError.self) {
            _ = try Journal.open(path: path, header: S.header(), resume: true)
        }
        #expect(error?.description.contains("was made from a different file (standard input") == true)
    }

    @Test func resumeWithoutAJournalIsRefusedAndCreatesNothing() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        #expect(throws: JournalError.noJournal(path: path)) {
            _ = try Journal.open(path: path, header: S.header(), resume: true)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func anExistingJournalNeedsResume() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (journal, _) = try Journal.open(path: path, header: S.header(), resume: false)
        try journal.append(S.intent([1]))
        journal.close()
        let before = try contents(path)
        let error = #expect(throws: JournalError.exists(path: path)) {
            _ = try Journal.open(path: path, header: S.header(), resume: false)
        }
        #expect(error?.description.contains("already exists") == true)
        #expect(try contents(path) == before)
    }

    @Test func anEmptyJournalStartsOver() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let (journal, replay) = try Journal.open(path: path, header: S.header(), resume: true)
        journal.close()
        #expect(replay.header == S.header())
        #expect(try JournalReplay.replay(try contents(path), path: path).header == S.header())
    }

    @Test func standardInputCannotBeResumed() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        #expect(throws: JournalError.cannotResumeStream(input: "-")) {
            _ = try Journal.open(path: dir + "/run.journal", header: S.header(.standardInput), resume: true)
        }
        // Without --resume a stdin import still keeps a journal.
        let (journal, _) = try Journal.open(path: dir + "/run.journal", header: S.header(.standardInput), resume: false)
        journal.close()
    }

    @Test func aSecondOpenIsLockedOutAndToldThePID() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (first, _) = try Journal.open(path: path, header: S.header(), resume: false)
        let error = #expect(throws: JournalError.self) {
            _ = try Journal.open(path: path, header: S.header(), resume: true)
        }
        #expect(error == .locked(path: path, pid: getpid()))
        #expect(error?.description.contains("process \(getpid())") == true)
        // The refused open did not disturb the holder.
        try first.append(S.intent([1]))
        first.close()
        let (second, replay) = try Journal.open(path: path, header: S.header(), resume: true)
        second.close()
        #expect(replay.uncertainCreates.map(\.row) == [1])
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/flock")))
    func anotherProcessSeesTheLock() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (journal, _) = try Journal.open(path: path, header: S.header(), resume: false)
        #expect(try flockFromAnotherProcess(path + ".lock") == 1)
        journal.close()
        #expect(try flockFromAnotherProcess(path + ".lock") == 0)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/flock")))
    func aLockHeldByAnotherProcessNamesItsPID() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        // The child takes the lock, writes its PID into the lock file as a run would, tells us
        // its PID and waits for its standard input to close. No sleeping: every step is a handshake.
        let child = try ChildProcess(
            "/usr/bin/flock", ["-n", path + ".lock", "/bin/sh", "-c", "echo $$ > \"$0\"; echo $$; read x", path + ".lock"])
        defer {
            child.closeInput()
            _ = child.wait(timeout: 30)
        }
        let said = Data((child.firstLine(timeout: 30) ?? "").utf8)
        let pid = try #require(Int32(String(decoding: said, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        let error = #expect(throws: JournalError.self) {
            _ = try Journal.open(path: path, header: S.header(), resume: false)
        }
        #expect(error == .locked(path: path, pid: pid))
        #expect(error?.description.contains("process \(pid)") == true)
        child.closeInput()
        _ = child.wait(timeout: 30)
        // The child is gone, so is its lock.
        let (journal, _) = try Journal.open(path: path, header: S.header(), resume: false)
        journal.close()
    }

    @Test func appendAfterCloseIsRefused() throws {
        let dir = try S.makeDirectory()
        defer { S.remove(dir) }
        let path = dir + "/run.journal"
        let (journal, _) = try Journal.open(path: path, header: S.header(), resume: false)
        journal.close()
        journal.close()
        #expect(throws: JournalError.unusable(path: path)) { try journal.append(S.intent([1])) }
    }
}
