import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The journal of one import run, and how it came to be: new, an interrupted run of the same input
/// carried on, or an interrupted run of another input set aside.
///
/// This is what keeps a nightly job from wedging: a plain run never refuses the journal an earlier
/// night left. Same input and options: that run is finished (as `--resume` would). Anything else:
/// the old journal is renamed aside (`JOURNAL.settled-TIMESTAMP`), its possibly-created resources
/// are looked up by the caller (``setAside``), and the run starts afresh. Only an explicit
/// `--resume` insists on the journal belonging to the input.
public struct JournalSession: Sendable {
    /// How the run's journal started.
    public enum Start: Sendable, Equatable {
        /// No earlier journal (or an empty one).
        case fresh
        /// An interrupted run of this input is carried on; `explicit` when `--resume` asked for it.
        case resumed(explicit: Bool)
        /// An interrupted run of another input (or other options) was moved to `asidePath`.
        case setAside(asidePath: String, reason: String)
    }

    public let journal: Journal
    /// What the journal held when the run began (header only for a fresh one).
    public let replay: JournalReplay
    public let start: Start
    /// The set-aside journal's replay, whose uncertain creates should be looked up.
    public let setAside: JournalReplay?

    /// Whether the journal held entries of an earlier run, so it must survive this run unless
    /// this run finishes.
    public var carriesEarlierWork: Bool {
        if case .resumed = start { return !replay.finished.isEmpty || !replay.uncertainCreates.isEmpty || replay.lineCount > 1 }
        return false
    }

    /// Opens the journal at `path` for a run described by `header` (see the type's notes).
    /// - Throws: `JournalError` (locked by another run, unreadable; with `resume`, also no journal,
    ///   a different input, or a stream).
    public static func begin(path: String, header: JournalHeader, resume: Bool, now: Date = Date()) throws -> JournalSession {
        if resume {
            let (journal, replay) = try Journal.open(path: path, header: header, resume: true)
            return JournalSession(journal: journal, replay: replay, start: .resumed(explicit: true), setAside: nil)
        }
        var reason = "it belongs to another input"
        var mayCarryOn = header.input.isResumable
        do {
            let (journal, replay) = try Journal.open(path: path, header: header, resume: false)
            return JournalSession(journal: journal, replay: replay, start: .fresh, setAside: nil)
        } catch JournalError.exists {
            // An interrupted run left this journal: carry it on when it is this run, else set it aside.
        } catch JournalError.corrupt(_, let line, let why) {
            reason = "it is damaged at line \(line) (\(why))"
            mayCarryOn = false
        } catch JournalError.unsupportedVersion(_, let version) {
            reason = "it has format version \(version)"
            mayCarryOn = false
        }
        if mayCarryOn {
            do {
                let (journal, replay) = try Journal.open(path: path, header: header, resume: true)
                if replay.header?.options == header.options {
                    return JournalSession(journal: journal, replay: replay, start: .resumed(explicit: false), setAside: nil)
                }
                journal.close()
                reason = "it was made with other options (chunk size, matching, location or return URLs)"
            } catch JournalError.differentInput {
            } catch JournalError.corrupt(_, let line, let why) {
                reason = "it is damaged at line \(line) (\(why))"
            } catch JournalError.unsupportedVersion(_, let version) {
                reason = "it has format version \(version)"
            }
        }
        let old = (try? Data(contentsOf: URL(fileURLWithPath: path))).flatMap { try? JournalReplay.replay($0, path: path) }
        let aside = try moveAside(path, now: now)
        let (journal, replay) = try Journal.open(path: path, header: header, resume: false)
        return JournalSession(journal: journal, replay: replay, start: .setAside(asidePath: aside, reason: reason), setAside: old)
    }

    /// Renames the journal to a free `PATH.settled-YYYYMMDDTHHMMSSZ[-N]` under its lock.
    private static func moveAside(_ path: String, now: Date) throws -> String {
        let lock = try JournalLock(journalPath: path)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let base = "\(path).settled-\(formatter.string(from: now))"
        var aside = base
        var n = 1
        while access(aside, F_OK) == 0 {
            n += 1
            aside = "\(base)-\(n)"
        }
        let failed = rename(path, aside) == 0 ? nil : errno
        lock.release()
        if let failed { throw JournalError.io(path: path, operation: "cannot set aside the earlier journal", errno: failed) }
        return aside
    }

    /// Closes the journal; removes it when the run needs no resume: it finished, or it sent no
    /// write and carried no earlier run's work (a run that sent nothing leaves nothing behind).
    /// - Returns: whether the journal was kept.
    @discardableResult
    public func end(finished: Bool, sentWrites: Bool) -> Bool {
        journal.close()
        let keep = keeps(finished: finished, sentWrites: sentWrites)
        if !keep { _ = unlink(journal.path) }
        return keep
    }

    /// Whether ``end(finished:sentWrites:)`` keeps the journal for these facts.
    public func keeps(finished: Bool, sentWrites: Bool) -> Bool {
        !finished && (sentWrites || carriesEarlierWork)
    }
}
