import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Why a journal cannot be opened, read or written. Each message says what to do next.
public enum JournalError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A non-empty journal exists and `--resume` was not given.
    case exists(path: String)
    /// `--resume` was given but there is no journal.
    case noJournal(path: String)
    /// `--resume` with a journal written for another input.
    case differentInput(path: String, journal: InputFingerprint, input: InputFingerprint)
    /// `--resume` of an input that cannot be read twice (standard input, a pipe).
    case cannotResumeStream(input: String)
    /// Another run holds the journal's lock; `pid` is its process id when known.
    case locked(path: String, pid: Int32?)
    /// A line that is not a journal entry, before the last line (line numbers are 1-based).
    case corrupt(path: String, line: Int, reason: String)
    /// The journal was written by a newer version of the tool.
    case unsupportedVersion(path: String, version: Int)
    /// A system call failed.
    case io(path: String, operation: String, errno: Int32)
    /// `append` after `close`, or after an earlier append failed (the file may end in a torn
    /// line; stop and resume, which drops it).
    case unusable(path: String)

    /// The message for the user: what is wrong and what to do.
    public var description: String {
        switch self {
        case .exists(let path):
            "journal \(path) already exists from an earlier run"
        case .noJournal(let path):
            "cannot resume: journal \(path) does not exist"
        case .differentInput(let path, let journal, let input):
            journal.isResumable
                ? "journal \(path) was made from a different file (\(journal.path): \(journal.size) bytes, "
                    + "fingerprint \(journal.fingerprint)); \(input.path) has \(input.size) bytes, "
                    + "fingerprint \(input.fingerprint). Resume with the original file, or delete the journal"
                : "journal \(path) was made from a different file (\(journal.path == "-" ? "standard input" : journal.path), "
                    + "a stream that cannot be checked); it cannot be resumed: delete it to start over"
        case .cannotResumeStream(let input):
            "cannot resume an import from \(input == "-" ? "standard input" : input): a stream cannot be "
                + "checked against the journal"
        case .locked(let path, let pid):
            if let pid {
                "journal \(path) is in use by another run (process \(pid)); wait for it to finish or stop it"
            } else {
                "journal \(path) is in use by another run; wait for it to finish or stop it"
            }
        case .corrupt(let path, let line, let reason):
            "journal \(path) is damaged at line \(line): \(reason)"
        case .unsupportedVersion(let path, let version):
            "journal \(path) has format version \(version), newer than this tool understands "
                + "(\(JournalHeader.currentVersion)); resume with a newer resource-batch"
        case .io(let path, let operation, let code):
            "\(operation) \(path): \(String(cString: strerror(code)))"
        case .unusable(let path):
            "journal \(path) can no longer be written (closed, or an earlier write failed)"
        }
    }

    /// Same as `description`, for `localizedDescription`.
    public var errorDescription: String? { description }
}
