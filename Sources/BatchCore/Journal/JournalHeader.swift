import Foundation

/// The first line of a journal: which input it belongs to, when and how the run started.
public struct JournalHeader: Sendable, Equatable, Codable {
    /// The format version this code writes. A newer version is refused rather than misread.
    /// Version 2: every line carries a checksum (``JournalLineSeal``); version 1 lines are read as before.
    /// Version 3: the checksum is ``JournalLineHash`` under `seal` (version 2's FNV-1a `sum` is
    /// still read); an older resource-batch refuses a version 3 journal instead of misreading it.
    /// Version 4: a stopped run may end with a `withdrawn` line (``JournalWithdrawn``), which an
    /// older resource-batch would not know; it refuses the journal as newer instead.
    public static let currentVersion = 4
    /// The first version whose readers know `withdrawn` lines.
    public static let withdrawalsSince = 4

    /// Format version of the file (`currentVersion` when written by this code).
    public var version: Int
    /// The input file, with the fingerprint `--resume` compares.
    public var input: InputFingerprint
    /// ISO 8601 time the run started (UTC).
    public var created: String
    /// The options of the run that created the journal.
    public var options: JournalOptions

    /// A header for a new journal, stamped with `created` (now by default).
    public init(input: InputFingerprint, options: JournalOptions, created: Date = Date()) {
        self.init(
            version: JournalHeader.currentVersion, input: input,
            created: created.formatted(.iso8601), options: options)
    }

    /// A header with every field given (as read back from a journal).
    public init(version: Int, input: InputFingerprint, created: String, options: JournalOptions) {
        self.version = version
        self.input = input
        self.created = created
        self.options = options
    }
}
