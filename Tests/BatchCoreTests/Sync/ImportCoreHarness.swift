@testable import BatchCore
@testable import BatchModel
@testable import BatchReport
@testable import BatchSync

/// Drives an ``ImportCore`` by hand: feeds events, keeps every action it gave, and answers the
/// file actions (journal, report) the way a healthy driver would unless told otherwise.
struct ImportCoreHarness {
    var core: ImportCore
    /// Every action given so far, in order.
    private(set) var log: [ImportAction] = []
    /// Actions not yet answered by the test.
    private(set) var open: [ImportAction] = []
    /// Report lines written, in the order the core asked.
    private(set) var reported: [ReportRow] = []
    var failIntents = false
    var failRecords = false
    var failReport = false

    init(_ configuration: ImportCore.Configuration) {
        core = ImportCore(configuration)
        take(core.start())
    }

    mutating func send(_ event: ImportEvent) {
        take(core.handle(event))
    }

    /// Applies the actions; file actions are answered at once, network ones wait in `open`.
    private mutating func take(_ actions: [ImportAction]) {
        var queue = actions
        while !queue.isEmpty {
            let action = queue.removeFirst()
            log.append(action)
            var answer: ImportEvent?
            switch action {
            case .writeIntent(let ticket, _):
                answer = failIntents ? .journalFailed(ticket: ticket, path: "j.journal", reason: "No space left on device")
                    : .intentWritten(ticket: ticket)
            case .recordOutcomes(let ticket, _):
                answer = failRecords ? .journalFailed(ticket: ticket, path: "j.journal", reason: "No space left on device")
                    : .outcomesRecorded(ticket: ticket)
            case .writeReport(let rows):
                if failReport {
                    answer = .reportFailed(path: "r.csv", reason: "No space left on device")
                } else {
                    reported += rows.map(\.report)
                }
            case .finish:
                break
            default:
                open.append(action)
            }
            if let answer { queue += core.handle(answer) }
        }
    }

    /// Removes and returns the first open action matching `predicate`.
    mutating func takeOpen(_ predicate: (ImportAction) -> Bool) -> ImportAction? {
        guard let i = open.firstIndex(where: predicate) else { return nil }
        return open.remove(at: i)
    }

    mutating func nextSend() -> (ticket: Int, chunk: Chunk)? {
        guard case let .send(ticket, chunk)? = takeOpen({ if case .send = $0 { true } else { false } }) else { return nil }
        return (ticket, chunk)
    }

    mutating func nextLookUp() -> (ticket: Int, rows: [PlannedRow])? {
        guard case let .lookUp(ticket, rows)? = takeOpen({ if case .lookUp = $0 { true } else { false } }) else { return nil }
        return (ticket, rows)
    }

    mutating func takeRead() -> Bool {
        takeOpen({ $0 == .readRows }) != nil
    }

    mutating func takeTenantLoad() -> Bool {
        takeOpen({ $0 == .loadTenant }) != nil
    }

    var outcome: ImportOutcome? {
        for action in log { if case .finish(let o) = action { return o } }
        return nil
    }

    /// Create requests given for `row` (the exactly-once check).
    func creates(of row: Int) -> Int {
        log.reduce(0) { n, action in
            if case let .send(_, chunk) = action, chunk.kind == .create, chunk.rows.contains(where: { $0.row == row }) { return n + 1 }
            return n
        }
    }

    // MARK: - Fixtures

    static func candidate(_ n: Int, id: String? = nil, email: String? = nil, urls: ReturnURLs = ReturnURLs()) -> ImportRow {
        let mail = email ?? "p\(n)@example.com"
        return ImportRow(
            report: ReportRow(row: n, line: n + 1, status: .valid, id: id, name: "P\(n)", email: mail),
            raw: Array("P\(n),\(mail)".utf8),
            disposition: .candidate(id: id, emailKey: mail, payload: ResourcePayload(name: "P\(n)", email: mail), returnURLs: urls))
    }

    static func resource(for row: PlannedRow, id: String? = nil) -> AnsweredResource {
        var r = Resource()
        if case let .update(existing) = row.operation { r.id = existing } else { r.id = id ?? "id-\(row.row)" }
        r.email = row.email
        r.name = row.payload.name
        return AnsweredResource(r)
    }

    /// Answers a send with one resource per row, in order.
    mutating func answerAll(_ sent: (ticket: Int, chunk: Chunk)) {
        send(.answered(ticket: sent.ticket, sent.chunk.rows.map { Self.resource(for: $0) }))
    }
}
