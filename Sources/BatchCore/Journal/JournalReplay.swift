import Foundation

/// What an existing journal says, rebuilt line by line: pure, no I/O.
///
/// - `header`: the first line.
/// - `finished`: row → its last outcome. These rows are not sent again.
/// - `uncertainCreates`: rows of a create chunk whose intent was written but whose outcome was
///   not. The request may have created them: look their e-mails up before creating again. A
///   `withdrawn` line takes back one intent of each of its rows (never sent); a row another create
///   intent left open stays uncertain.
///
/// Torn last line: a line without its final newline was being written when the run died. Its
/// fsync never returned, so nothing was sent on its strength; it is dropped even when it parses
/// (an outcome it held is recovered by the e-mail lookup, or the update is simply sent again).
/// `validByteCount` is where the file must be cut before appending. Any other line that is not
/// an entry is an error naming its line number.
public struct JournalReplay: Sendable {
    /// A row that may or may not have been created.
    public struct UncertainCreate: Sendable, Equatable {
        /// The row number.
        public var row: Int
        /// The normalized e-mail to look up (`nil` if the row had none, which validation forbids).
        public var email: String?

        /// An uncertain create of `row`.
        public init(row: Int, email: String?) {
            self.row = row
            self.email = email
        }
    }

    /// The path named in error messages.
    public let path: String
    /// The first line; `nil` only while nothing has been read.
    public private(set) var header: JournalHeader?
    /// Row → its final outcome (a later outcome replaces an earlier one).
    public private(set) var finished: [Int: JournalRowOutcome] = [:]
    /// Complete lines read.
    public private(set) var lineCount = 0
    /// Bytes of complete (newline-terminated) lines: the length to keep.
    public private(set) var validByteCount = 0
    /// Whether an unterminated last line was found and dropped.
    public private(set) var droppedTornLine = false

    /// Row → e-mail of creates with an intent and no outcome yet.
    private var openIntents: [Int: String?] = [:]
    /// Row → create intents written for it since its last outcome, when more than one: a
    /// withdrawal takes back one of them, and the row stays uncertain while another is open.
    private var extraIntents: [Int: Int] = [:]

    /// An empty replay; feed it with `apply(line:)` or use `replay(_:path:)`.
    public init(path: String) {
        self.path = path
    }

    /// The creates that need an e-mail lookup before being sent again, by row number.
    public var uncertainCreates: [UncertainCreate] {
        openIntents.map { UncertainCreate(row: $0.key, email: $0.value) }.sorted { $0.row < $1.row }
    }

    /// Whether `row` has a final outcome.
    public func isFinished(_ row: Int) -> Bool { finished[row] != nil }

    /// Reads a whole journal held in memory.
    /// - Throws: `JournalError.corrupt` naming the first bad line (other than a torn last one).
    public static func replay(_ data: Data, path: String) throws(JournalError) -> JournalReplay {
        var replay = JournalReplay(path: path)
        var start = data.startIndex
        while let newline = data[start...].firstIndex(of: UInt8(ascii: "\n")) {
            try replay.apply(line: data[start..<newline])
            start = data.index(after: newline)
        }
        if start < data.endIndex { replay.dropTornLine() }
        return replay
    }

    /// Applies one complete line, without its newline. Blank lines are skipped.
    public mutating func apply(line: Data) throws(JournalError) {
        lineCount += 1
        validByteCount += line.count + 1
        let number = lineCount
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) {
            return
        }
        let body: Data
        let sealed: Bool
        switch JournalLineSeal.check(line) {
        case .intact(let b):
            body = b
            sealed = true
        case .changed:
            throw .corrupt(path: path, line: number, reason: "its checksum does not match: the line was changed after it was written")
        case .unsealed:
            body = line
            sealed = false
        }
        let entry: JournalEntry
        do {
            entry = try JSONDecoder().decode(JournalEntry.self, from: body)
        } catch {
            throw .corrupt(path: path, line: number, reason: "not a journal entry (\(JournalReplay.describe(error)))")
        }
        // Since version 2 every line carries its checksum: one without it was not written by us.
        let version: Int? = if case .header(let h) = entry { h.version } else { header?.version }
        if !sealed, let version, version >= 2 {
            throw .corrupt(path: path, line: number, reason: "it has no checksum: the line was not written by resource-batch")
        }
        try apply(entry, line: number)
    }

    /// Notes that the file ended in a line without its newline (dropped, see the type's notes).
    public mutating func dropTornLine() {
        droppedTornLine = true
    }

    /// Applies one decoded entry; `line` is used in error messages.
    public mutating func apply(_ entry: JournalEntry, line: Int) throws(JournalError) {
        switch entry {
        case .header(let h):
            guard header == nil else { throw .corrupt(path: path, line: line, reason: "a second header") }
            guard h.version <= JournalHeader.currentVersion else {
                throw .unsupportedVersion(path: path, version: h.version)
            }
            header = h
        case .intent(let intent):
            guard header != nil else { throw .corrupt(path: path, line: line, reason: "an entry before the header") }
            guard intent.rows.count == intent.emails.count else {
                throw .corrupt(path: path, line: line, reason: "an intent with \(intent.rows.count) rows and \(intent.emails.count) e-mails")
            }
            for (row, email) in zip(intent.rows, intent.emails) {
                // Sent again: whatever was recorded before no longer describes the row.
                finished.removeValue(forKey: row)
                if intent.op == .create {
                    if openIntents.updateValue(email, forKey: row) != nil { extraIntents[row, default: 0] += 1 }
                } else {
                    openIntents.removeValue(forKey: row)
                    extraIntents.removeValue(forKey: row)
                }
            }
        case .done(let done):
            guard header != nil else { throw .corrupt(path: path, line: line, reason: "an entry before the header") }
            for outcome in done.rows {
                finished[outcome.row] = outcome
                openIntents.removeValue(forKey: outcome.row)
                extraIntents.removeValue(forKey: outcome.row)
            }
        case .withdrawn(let withdrawn):
            guard header != nil else { throw .corrupt(path: path, line: line, reason: "an entry before the header") }
            for row in withdrawn.rows {
                if let extra = extraIntents[row] {
                    extraIntents[row] = extra > 1 ? extra - 1 : nil
                } else {
                    openIntents.removeValue(forKey: row)
                }
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): context.debugDescription
        case DecodingError.keyNotFound(let key, _): "no \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "bad \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        default: "\(error)"
        }
    }
}
