import BatchCore
import CSVCodec
import Foundation
import OnSchedEmulator

/// The one place where the end of a command becomes a message and an exit code (cli.md):
/// 0 every row succeeded, 1 some rows invalid or failed, 2 nothing was sent (usage, input, an
/// output that cannot be written before sending), 3 the run stopped after it may have changed
/// data or could not use the API, 130 interrupted.
enum ExitStatus {
    static let success: Int32 = 0
    static let rowProblems: Int32 = 1
    static let nothingSent: Int32 = 2
    static let stopped: Int32 = 3
    static let interrupted: Int32 = 130

    /// An error that ended a command before or outside a run. Every error type the tool throws is
    /// named here; anything else is an internal error (exit 3, as data may have changed).
    static func of(_ error: any Error) -> (message: String, code: Int32) {
        switch error {
        case let e as UsageError: (e.description, nothingSent)
        case let e as InputError: (e.description + hint(for: e), nothingSent)
        case let e as CSVError: (e.description + (e.kind == .invalidUTF8 ? "; " + encodingHint : ""), nothingSent)
        case let e as JournalError: (e.description + hint(for: e), nothingSent)
        case let e as TenantLockError: (e.description, nothingSent)
        case let e as DomainHostingTableError: (e.description, nothingSent)
        case let e as OutputWriteError: (e.description, e.afterWrites ? stopped : nothingSent)
        case let e as LibCurlUnavailableError: (e.description, nothingSent)
        case let e as OutputPathError: (e.description + "; nothing was sent", nothingSent)
        case let e as OnSchedError:
            switch e.kind {
            case .insecureURL, .invalidConfiguration: (e.description, nothingSent)
            case .http, .unauthorized, .transport, .invalidResponse, .untrustedCertificate: (e.description, stopped)
            }
        case let e as TransportError: (e.description, stopped)
        case let e as DNSError: (e.description, stopped)
        case let e as EmulatorError: ("cannot start the emulator: \(e.description)", nothingSent)
        case let e as FaultSpecError: (e.description, nothingSent)
        default: ("internal error (please report it): \(String(describing: error))", stopped)
        }
    }

    private static let encodingHint = "pass --encoding latin1 or --encoding windows-1252 if it is"

    /// How to fix an input error from the command line (the library says what is wrong, not which
    /// option to use).
    static func hint(for error: InputError) -> String {
        switch error {
        case .missingColumn(let field, _): "; name one with --map 'Column=\(field)'"
        case .duplicateColumn(_, _, _, let second, _): "; choose one with --map '\(second)=' (ignores it) or map it elsewhere"
        case .unknownFormat: "; use --format csv, --format jsonl or --format xlsx"
        case .malformed(_, _, _, let reason) where reason == CSVRecordSource.invalidUTF8Reason: "; " + encodingHint
        default: ""
        }
    }

    static func hint(for error: JournalError) -> String {
        switch error {
        case .exists: ": run the same command to finish that run, or delete the journal to start over"
        case .noJournal: " (pass --journal PATH if it was written elsewhere)"
        case .cannotResumeStream: "; import from a regular file to use --resume"
        default: ""
        }
    }

    /// An import's outcome: the exit code, and the line that says why it stopped (nil when it
    /// did not). `journal` is the journal kept for `--resume`, if any.
    static func of(_ outcome: ImportOutcome, journal: String?, resumable: Bool = true) -> (stoppedBecause: String?, code: Int32) {
        let resume = resumable
            ? journal.map { "; run the same command again, or with --resume, to finish (journal \($0))" } ?? ""
            : "; rows were already sent (see the report); standard input cannot be resumed"
        switch outcome.stop {
        case nil:
            return (nil, outcome.count(of: .invalid) + outcome.count(of: .failed) > 0 || outcome.deletesRefused > 0 ? rowProblems : success)
        case .interrupted?:
            return ("interrupted" + (outcome.sentWrites ? resume : "; nothing was sent"), interrupted)
        case .api(let message)?:
            return (message + (outcome.sentWrites ? resume : "; nothing was sent"), stopped)
        case .output(let path, let reason)?:
            return ("cannot write \(path): \(reason)" + (outcome.sentWrites ? resume : "; nothing was sent"),
                    outcome.sentWrites ? stopped : nothingSent)
        case .input(let message)?:
            let sent = outcome.sentWrites ? "; some rows were already sent (see the report)" + (resumable ? resume : "") : "; nothing was sent"
            return (message + sent, outcome.sentWrites ? stopped : nothingSent)
        }
    }
}

/// An output (the summary JSON, say) that could not be written at the end of a command.
struct OutputWriteError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    /// Whether the command had already sent writes to the API.
    var afterWrites: Bool

    var description: String { "cannot write \(path): \(reason)" }
}
