import BatchJournal

extension JournalIntent {
    /// The intent of sending `chunk`: its label, kind, rows and their e-mails.
    public init(chunk: Chunk) {
        self.init(chunk: chunk.label, op: chunk.kind, rows: chunk.rows.map(\.row), emails: chunk.rows.map(\.email))
    }
}
