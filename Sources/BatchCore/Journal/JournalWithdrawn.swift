/// "These rows were never sent": written when a stopped run ends with create chunks whose rows
/// an intent line made durable ahead of time (group commit, ``JournalIntent``) but which no worker
/// ever took. Without it those rows would read as uncertain creates, and a resumed run would look
/// each one up by e-mail first (one request a row, minutes at the default rate, for nothing).
///
/// It withdraws one intent of each row: a row that an earlier intent left open (a create whose
/// answer was lost, or an earlier run's) stays uncertain. A withdrawal that never reaches the disk
/// only leaves the rows uncertain, so it needs no sync of its own.
public struct JournalWithdrawn: Sendable, Equatable, Codable {
    /// Row numbers, in the order their chunks waited.
    public var rows: [Int]

    public init(rows: [Int]) {
        self.rows = rows
    }
}
