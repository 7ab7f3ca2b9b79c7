import BatchModel
import BatchJournal
import BatchReport
import Foundation

/// The import as a pure state machine: events in, actions out, no I/O and no clock.
///
/// It decides everything a run decides: create or update (by id, or by e-mail among the tenant's
/// resources), the chunks (``ChunkPlanner``), exactly-once creates (an intent is written before a
/// create is sent; a create whose answer was lost is looked up before it is sent again), rows an
/// earlier run finished (journal replay), splitting a refused chunk (``ChunkSplitter``), the stop,
/// and putting rows back into input order for the report. A driver (``ImportJob``) runs the actions
/// and hands every result back as an ``ImportEvent``, failures included: the core never waits for
/// anything but the answers to actions it gave, and each action gets exactly one answer.
///
/// Flow control: at most `concurrency` tickets are in flight; the input is read one batch at a
/// time, only while fewer than `concurrency` chunks wait and the rows waiting for an answer stay
/// under `backlogLimit` (then partial chunks are flushed rather than held). A stop hands out no
/// new work and finishes once the tickets in flight are answered, so it takes at most one request.
public struct ImportCore: Sendable {
    /// What a run is asked to do.
    public struct Configuration: Sendable {
        public var chunkSize: Int
        /// Tickets in flight at once (the workers).
        public var concurrency: Int
        /// Decide but send nothing: statuses become `would-create` / `would-update`.
        public var dryRun: Bool
        /// Match rows without an id to the tenant's resources by e-mail.
        public var matchByEmail: Bool
        /// Match rows without an id by `customFields.fieldN` instead (the stable key): N, 1…10.
        /// Each row's ``ImportRow/key`` holds its value; two rows with one key are a conflict.
        public var matchField: Int?
        /// What to do with the tenant's resources no row matches (read only with the tenant).
        /// `delete` needs ``matchField``: without a key it is `report`.
        public var missing: MissingPolicy
        /// The most resources one run may delete.
        public var maxDeletes: DeleteLimit
        /// The run's return URLs (both providers'): updates whose rows agree with them share
        /// bulk calls, whatever their calendars. `nil`: each row's own, as creates always are.
        public var runReturnURLs: ReturnURLs?
        /// Whether the tenant must be read before rows are decided.
        public var readTenant: Bool
        /// How often one create may lose its answer before the run stops.
        public var maxAmbiguousRounds: Int
        /// Token renewals after a 401 with no write accepted in between before the run stops
        /// (the credentials themselves are rejected).
        public var maxCredentialRefreshes: Int
        /// Rows read but not yet reported, beyond which partial chunks are sent and reading waits.
        public var backlogLimit: Int
        /// Rows an earlier run of this input finished (journal replay): reported, never sent again.
        public var finished: [Int: JournalRowOutcome]
        /// Rows whose create an earlier run may have made: looked up before anything is sent.
        public var uncertainCreates: Set<Int>
        /// Send every matched row, even when all its given fields equal the resource's.
        public var sendUnchanged: Bool
        /// Group commit of intents (issue 17): how many create chunks that wait in the queue for
        /// a free worker may have their rows written into the intent line of a chunk being
        /// dispatched, so that one `fsync` covers them all; each is then sent, later, without an
        /// intent of its own. 0 (the default): one intent line, one `fsync`, per create chunk.
        /// The price: if the run stops or crashes before such a chunk is sent, its rows are
        /// uncertain creates on resume and are looked up by e-mail before being created.
        public var intentsAhead: Int

        public init(
            chunkSize: Int = 100, concurrency: Int = 4, dryRun: Bool = false, matchByEmail: Bool = true,
            readTenant: Bool = true, maxAmbiguousRounds: Int = 5, backlogLimit: Int? = nil,
            finished: [Int: JournalRowOutcome] = [:], uncertainCreates: Set<Int> = [], sendUnchanged: Bool = false,
            matchField: Int? = nil, missing: MissingPolicy = .ignore, maxDeletes: DeleteLimit = .standard,
            runReturnURLs: ReturnURLs? = nil, maxCredentialRefreshes: Int = 1, intentsAhead: Int = 0
        ) {
            self.intentsAhead = max(0, intentsAhead)
            self.maxCredentialRefreshes = max(1, maxCredentialRefreshes)
            self.runReturnURLs = runReturnURLs
            self.matchField = matchField
            self.missing = missing
            self.maxDeletes = maxDeletes
            self.chunkSize = chunkSize
            self.concurrency = max(1, concurrency)
            self.dryRun = dryRun
            self.matchByEmail = matchByEmail
            self.readTenant = readTenant
            self.maxAmbiguousRounds = maxAmbiguousRounds
            self.backlogLimit = backlogLimit ?? max(10_000, 20 * chunkSize * max(1, concurrency))
            self.finished = finished
            self.uncertainCreates = uncertainCreates
            self.sendUnchanged = sendUnchanged
        }
    }

    private struct Work: Sendable {
        var chunk: Chunk
        /// Look the rows up before sending (their create may have happened).
        var verifyFirst: Bool
        /// Lost answers so far for these rows.
        var rounds: Int
        /// The chunk's intent line is already durable (it is sent again after a 401).
        var intentDurable = false
    }

    private enum Phase: Sendable {
        case writingIntent, sending, lookingUp, recording
    }

    private struct Flight: Sendable {
        var work: Work
        var phase: Phase
        var outcomes: [JournalRowOutcome] = []
        /// The token generation the chunk was sent with.
        var credentials = 0
    }

    private enum TenantState: Sendable {
        case notRead, reading, read
    }

    public let configuration: Configuration
    private var index = TenantIndex()
    /// With ``Configuration/matchField``: the key's value → ids of the tenant's resources holding it.
    private var keyed: [String: [String]] = [:]
    /// With ``Configuration/matchField``: the key's value → the first row that gave it.
    private var claimedKeys: [String: Int] = [:]
    /// Ids of the tenant's resources some input row points at (by id, e-mail or key), valid or not:
    /// never missing.
    private var matched: Set<String> = []
    private enum MissingPhase: Sendable { case notYet, deleting, done }
    private var missingPhase = MissingPhase.notYet
    /// The rows for missing resources, in report order, and the deletions in flight (ticket → index).
    private var missingRows: [ImportRow] = []
    private var deleteQueue: [Int] = []
    private var deleting: [Int: Int] = [:]
    private var deletesRefused = 0
    /// A row matching a deleted resource: recovered first, then updated where it differs.
    private struct Recovery: Sendable {
        var planned: PlannedRow
        var resource: Resource
        var changed: Bool
    }
    private var recoverQueue: [Recovery] = []
    private var recovering: [Int: Recovery] = [:]
    /// Rows whose resource was recovered: `recovered` once their update is answered.
    private var recoveredRows: Set<Int> = []
    /// With ``Configuration/matchField``: the key's value → ids of deleted resources holding it.
    private var deletedKeyed: [String: [String]] = [:]
    private var tenant: TenantState
    private var planner: ChunkPlanner
    private var queue: [Work] = []
    private var flights: [Int: Flight] = [:]
    private var nextTicket = 1
    private var readingRows = false
    private var inputEnded = false
    private var waiting = RowRing<ImportRow>()
    private var order = ReorderBuffer<ImportRow>()
    /// Rows by status, at the status's position in ``statuses``: a dictionary keyed by status
    /// hashed the status's name for every row (issue 17).
    private var tally = [Int](repeating: 0, count: RowStatus.allCases.count)
    private static let statuses = RowStatus.allCases
    private var sentWrites = false
    private var stop: ImportStop?
    private var reportBroken = false
    private var finished = false
    /// The 401 refresh: the token generation (one more per renewal), whether a renewal is under way
    /// (no write is sent meanwhile), renewals since the API last accepted a write, and the
    /// generation each delete and recover was sent with.
    private var credentials = 0
    private var refreshingCredentials = false
    /// A write sent with a token renewed since the last accepted write was refused while other
    /// writes sent with that token were still unanswered: nothing is sent until they answer.
    /// If one of them is accepted, the token works (it was merely worn: some APIs allow a token a
    /// few writes) and is renewed again; if none is, the credentials are rejected. Deciding on
    /// the first refusal made the verdict depend on which answer came back first.
    private var awaitingVerdict: String?
    private var refreshesWithoutAnswer = 0
    private var writeCredentials: [Int: Int] = [:]

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        self.planner = ChunkPlanner(chunkSize: configuration.chunkSize)
        self.tenant = configuration.readTenant ? .notRead : .read
    }

    // MARK: - Observations (for progress)

    /// Rows by status so far.
    public var statusCounts: [RowStatus: Int] { counts }
    /// ``tally`` as a dictionary: the statuses some row has.
    private var counts: [RowStatus: Int] {
        var counts: [RowStatus: Int] = [:]
        for (i, n) in tally.enumerated() where n > 0 { counts[Self.statuses[i]] = n }
        return counts
    }
    /// Rows whose outcome is known.
    public var rowsDone: Int { tally.reduce(0, +) }
    /// Rows read whose outcome is not yet known.
    public var rowsWaiting: Int { waiting.count }
    /// Whether the run is stopping (or stopped), and why.
    public var stopReason: ImportStop? { stop }
    /// Whether the finish action was given.
    public var isFinished: Bool { finished }
    /// Whether the core waits for the tenant listing.
    public var isReadingTenant: Bool { tenant == .reading }

    // MARK: - Driving

    /// The first actions of a run.
    public mutating func start() -> [ImportAction] {
        var actions: [ImportAction] = []
        if tenant == .notRead {
            tenant = .reading
            actions.append(.loadTenant)
        }
        pump(&actions)
        return actions
    }

    /// Applies one event; returns what to do next, in order.
    ///
    /// The event is consumed: the rows it carries move into the core and on to the report
    /// (issue 17: each row, some 25 strings, was copied and destroyed several times on the way).
    public mutating func handle(_ event: consuming ImportEvent) -> [ImportAction] {
        guard !finished else { return [] }
        var actions: [ImportAction] = []
        switch consume event {
        case .tenantRead(let index):
            self.index = index
            if let n = configuration.matchField {
                for r in index.all {
                    guard let id = r.id, let key = Self.key(r.customFields?[n]) else { continue }
                    keyed[key, default: []].append(id)
                }
                for r in index.allDeleted {
                    guard let id = r.id, let key = Self.key(r.customFields?[n]) else { continue }
                    deletedKeyed[key, default: []].append(id)
                }
            }
            tenant = .read
        case .tenantFailed(let message):
            tenant = .read
            stopRun(.api("cannot read the tenant's resources: \(message)"))
        case .rowsRead(let rows):
            readingRows = false
            take(all: consume rows, &actions)
        case .inputEnded:
            readingRows = false
            inputEnded = true
        case .inputFailed(let message):
            readingRows = false
            inputEnded = true
            stopRun(.input(message))
        case .intentWritten(let ticket):
            guard var flight = flights[ticket], flight.phase == .writingIntent else { break }
            flight.phase = .sending
            flight.credentials = credentials
            flights[ticket] = flight
            sentWrites = true
            actions.append(.send(ticket: ticket, flight.work.chunk))
        case .answered(let ticket, let resources):
            refreshesWithoutAnswer = 0
            answered(ticket, resources, &actions)
        case .sendFailed(let ticket, let failure):
            sendFailed(ticket, failure, &actions)
        case .lookedUp(let ticket, let found):
            lookedUp(ticket, found, &actions)
        case .outcomesRecorded(let ticket):
            guard var flight = flights.removeValue(forKey: ticket) else { break }
            // Moved out, not copied: `flight.outcomes[i]` copied each outcome (issue 17).
            var outcomes: [JournalRowOutcome] = []
            swap(&outcomes, &flight.outcomes)
            outcomes.drainInOrder { complete($0, &actions) }
        case .journalFailed(let ticket, let path, let reason):
            // The ticket's rows stay unfinished: an intent without outcome is looked up on resume.
            if let ticket { flights.removeValue(forKey: ticket) }
            stopRun(.output(path: path, reason: reason))
        case .reportFailed(let path, let reason):
            reportBroken = true
            stopRun(.output(path: path, reason: reason))
        case .stopRequested(let reason):
            stopRun(reason)
        case .deleted(let ticket):
            refreshesWithoutAnswer = 0
            writeCredentials.removeValue(forKey: ticket)
            deleteAnswered(ticket, failure: nil)
        case .recovered(let ticket, let resource):
            refreshesWithoutAnswer = 0
            writeCredentials.removeValue(forKey: ticket)
            recoverAnswered(ticket, resource, failure: nil, &actions)
        case .credentialsRefreshed:
            refreshingCredentials = false
            credentials += 1
            refreshesWithoutAnswer += 1
        case .credentialsRefreshFailed(let message):
            refreshingCredentials = false
            stopRun(.api(message))
        }
        pump(&actions)
        return actions
    }

    /// Applies `rowsRead(rows)`, the rows moved in from the driver's own array. Through
    /// ``handle(_:)`` the event's binding keeps a second reference to the array, so moving the rows
    /// out of it copied every one (issue 17: ~1,000 instructions a row).
    public mutating func handle(rowsRead rows: consuming [ImportRow]) -> [ImportAction] {
        guard !finished else { return [] }
        var actions: [ImportAction] = []
        readingRows = false
        take(all: consume rows, &actions)
        pump(&actions)
        return actions
    }

    // MARK: - Rows

    /// Takes `rows` in order, each moved out of the array (``Swift/Array/drainInOrder(_:)``):
    /// swapping each with an empty row copied the empty row's ~30 fields and destroyed them
    /// again (issue 17). An array shared with another owner is copied once:
    /// ``handle(rowsRead:)`` hands over one that is not.
    private mutating func take(all rows: consuming [ImportRow], _ actions: inout [ImportAction]) {
        rows.drainInOrder { row in take(row, &actions) }
    }

    private mutating func take(_ row: consuming ImportRow, _ actions: inout [ImportAction]) {
        protect(row)
        if let n = configuration.matchField, row.disposition != .skipped, let key = Self.key(row.key) {
            // One key, one row, whether or not the first row is valid.
            if let first = claimedKeys[key] {
                if case .candidate = row.disposition {
                    row.disposition = .skipped
                    row.report.appendMessage("warning: the same customField\(n) as row \(first); skipped")
                }
            } else {
                claimedKeys[key] = row.row
            }
        }
        guard case .candidate = row.disposition else {
            row.report.status = row.disposition == .invalid ? .invalid : .skipped
            finish(consume row, &actions)
            return
        }
        // Moved out of the row, not copied (issue 17: a payload copy and its release were ~1,400
        // instructions a row): the row keeps its report, and `skipped` where its payload was.
        var disposition = ImportRow.Disposition.skipped
        swap(&disposition, &row.disposition)
        guard case .candidate(let id, let emailKey, var payload, let returnURLs) = consume disposition else { return }
        let number = row.row
        let line = row.report.line
        if let done = configuration.finished[number] {
            if let id = done.id { markMatched(id) }
            row.report.status = .valid
            row.report.apply(done)
            finish(consume row, &actions)
            return
        }
        var operation: RowOperation
        if let id {
            markMatched(id)
            operation = .update(id: id)
        } else if let n = configuration.matchField {
            guard let key = Self.key(row.key) else {
                row.report.status = .failed
                row.report.appendMessage("customField\(n) is empty: it is the key rows are matched by")
                finish(consume row, &actions)
                return
            }
            let ids = (keyed[key] ?? []).sorted()
            switch ids.count {
            case 0: operation = .create
            case 1: operation = .update(id: ids[0])
            default:
                // Resources that share a key are reported (a warning on the row) and left alone.
                row.report.status = .skipped
                row.report.appendMessage(
                    "warning: \(ids.count) resources already have this customField\(n) (ids \(ids.joined(separator: ", "))); none was changed")
                finish(consume row, &actions)
                return
            }
        } else if configuration.matchByEmail, let emailKey {
            let ids = index.ids(forEmail: emailKey)
            switch ids.count {
            case 0: operation = .create
            case 1: operation = .update(id: ids[0])
            default:
                // Resources that share a key are reported (a warning on the row) and left alone.
                row.report.status = .skipped
                row.report.appendMessage(
                    "warning: \(ids.count) resources already have this e-mail (ids \(ids.joined(separator: ", "))); none was changed "
                        + "(give the id column to choose one)")
                finish(consume row, &actions)
                return
            }
        } else {
            operation = .create
        }
        let uncertain = configuration.uncertainCreates.contains(row.row)
        if !uncertain, operation == .create {
            // A returning person: a deleted resource with the row's key is recovered, not created again.
            let gone: [String] = if configuration.matchField != nil {
                (deletedKeyed[Self.key(row.key) ?? ""] ?? []).sorted()
            } else if configuration.matchByEmail, let emailKey {
                index.deletedIds(forEmail: emailKey).sorted()
            } else {
                []
            }
            if gone.count > 1 {
                row.report.status = .failed
                row.report.appendMessage("\(gone.count) deleted resources match this row (ids \(gone.joined(separator: ", "))); none was recovered")
                finish(consume row, &actions)
                return
            }
            if let id = gone.first, let old = index.deletedResource(id: id) {
                let diff = ResourceDiff.compare(payload, with: old)
                row.report.changes = diff.summary
                row.report.id = id
                // Every bulk item carries name and e-mail: the tenant's where the row gives none.
                let send = (configuration.sendUnchanged ? payload : diff.payload).withIdentity(of: old)
                if configuration.dryRun {
                    row.report.status = .wouldRecover
                    finish(consume row, &actions)
                    return
                }
                waiting.insert(consume row, at: number)
                let planned = PlannedRow(row: number, line: line, operation: .update(id: id),
                                         returnURLs: updateURLs(returnURLs), payload: send, email: emailKey)
                recoverQueue.append(Recovery(planned: planned, resource: old, changed: !diff.isEmpty || configuration.sendUnchanged))
                return
            }
        }
        if !uncertain, case let .update(id) = operation, let current = index.resource(id: id) {
            // Matched: compare with what the tenant holds, and send only a real change.
            let diff = ResourceDiff.compare(payload, with: current)
            row.report.changes = diff.summary
            if diff.isEmpty && !configuration.sendUnchanged {
                row.report.status = .unchanged
                row.report.describe(current)
                finish(consume row, &actions)
                return
            }
            if !configuration.sendUnchanged { payload = diff.payload }
            // Every bulk item carries name and e-mail: the tenant's where the row gives none.
            payload = payload.withIdentity(of: current)
        }
        if configuration.dryRun {
            row.report.status = operation == .create ? .wouldCreate : .wouldUpdate
            if case let .update(id) = operation { row.report.id = id }
            finish(consume row, &actions)
            return
        }
        waiting.insert(consume row, at: number)
        if uncertain {
            // An earlier run may have created it (the tenant may already show it): look it up first.
            operation = .create
            let planned = PlannedRow(row: number, line: line, operation: operation,
                                     returnURLs: returnURLs, payload: payload, email: emailKey)
            queue.append(Work(chunk: Chunk(id: 0, part: [number], kind: .create, returnURLs: returnURLs, rows: [planned]),
                              verifyFirst: true, rounds: 0))
            return
        }
        let planned = PlannedRow(row: number, line: line, operation: operation,
                                 returnURLs: operation == .create ? returnURLs : updateURLs(returnURLs),
                                 payload: consume payload, email: emailKey)
        for chunk in planner.add(consume planned) { queue.append(Work(chunk: chunk, verifyFirst: false, rounds: 0)) }
    }

    /// The return URLs an update is sent with: the run's own (both providers') when the row's
    /// agree with them, so that a night's changed rows share bulk calls whatever their calendars
    /// (one call per 100 changed rows), else the row's.
    private func updateURLs(_ row: ReturnURLs) -> ReturnURLs {
        guard let run = configuration.runReturnURLs else { return row }
        let googleAgrees = row.google == nil || row.google == run.google
        let outlookAgrees = row.outlook == nil || row.outlook == run.outlook
        return googleAgrees && outlookAgrees ? run : row
    }

    /// A row's outcome is known: count it, and report it when every earlier row is reported.
    private mutating func finish(_ row: consuming ImportRow, _ actions: inout [ImportAction]) {
        count(row.report.status)
        let number = row.row
        guard let ready = try? order.insert(row: number, value: consume row) else { return }
        if !reportBroken && !ready.isEmpty { actions.append(.writeReport(ready)) }
    }

    private mutating func count(_ status: RowStatus) {
        tally[Self.statuses.firstIndex(of: status)!] += 1
    }

    private mutating func complete(_ outcome: JournalRowOutcome, _ actions: inout [ImportAction]) {
        if let id = outcome.id { markMatched(id) }
        guard var row = waiting.remove(outcome.row) else { return }
        row.report.apply(outcome)
        if recoveredRows.contains(outcome.row) {
            if row.report.status == .updated { row.report.status = .recovered }
            else if row.report.status == .failed { row.report.appendMessage("the resource was recovered, but not updated") }
        }
        finish(consume row, &actions)
    }

    // MARK: - Answers

    private mutating func answered(_ ticket: Int, _ resources: [AnsweredResource], _ actions: inout [ImportAction]) {
        guard var flight = flights[ticket], flight.phase == .sending else { return }
        let chunk = flight.work.chunk
        var outcomes: [JournalRowOutcome] = []
        outcomes.reserveCapacity(chunk.rows.count)
        var unanswered: [PlannedRow] = []
        // By index, not `enumerated()`: a planned row (its payload) is read in place, not copied.
        for i in chunk.rows.indices {
            if let a = Self.matchIndex(chunk.rows[i].operation, email: chunk.rows[i].email, at: i, in: resources, chunkSize: chunk.rows.count) {
                // Made where it lies in the list: a made outcome was copied into it (issue 17).
                outcomes.append(JournalRowOutcome(row: chunk.rows[i].row, status: chunk.kind == .create ? .created : .updated))
                Self.describe(&outcomes[outcomes.count - 1], resources, at: a)
            } else if chunk.kind == .create {
                // Answered, but not about this row (or without an id): find out rather than guess.
                unanswered.append(chunk.rows[i])
            } else {
                let id: String = if case let .update(id) = chunk.rows[i].operation { id } else { "" }
                outcomes.append(JournalRowOutcome(row: chunk.rows[i].row, status: .updated, id: id,
                                                  message: "warning: the API's answer did not include this resource"))
            }
        }
        if !unanswered.isEmpty {
            // An answer without the row (or without its id) is an answer lost: it counts as such,
            // so an API that never says what it created stops the run instead of looping.
            let rounds = flight.work.rounds + 1
            if rounds > configuration.maxAmbiguousRounds {
                stopRun(.api("the API keeps answering creates without the resources it made (no id); "
                    + "\(unanswered.count) of them may exist and are looked up when the run is resumed"))
            } else {
                var lookup = chunk
                lookup.rows = unanswered
                queue.insert(Work(chunk: lookup, verifyFirst: true, rounds: rounds), at: 0)
            }
        }
        record(ticket, &flight, outcomes, &actions)
    }

    private mutating func sendFailed(_ ticket: Int, _ failure: SendFailure, _ actions: inout [ImportAction]) {
        if case .unauthorized(let message) = failure {
            unauthorized(ticket, message, &actions)
            return
        }
        writeCredentials.removeValue(forKey: ticket)
        // A delete or recovery that never went out stops the run as before (its row stays unfinished).
        let stopping: SendFailure = if case .notSent(let message) = failure { .fatal(message) } else { failure }
        if deleting[ticket] != nil {
            deleteAnswered(ticket, failure: stopping)
            return
        }
        if recovering[ticket] != nil {
            recoverAnswered(ticket, nil, failure: stopping, &actions)
            return
        }
        guard var flight = flights[ticket] else { return }
        let work = flight.work
        if case .notSent(let message) = failure, flight.phase == .sending {
            // Back in the queue, never sent, as work a stop leaves waiting: a create's rows are in a
            // durable intent, so the finish withdraws them (``ImportOutcome/withdrawnRows``).
            flights.removeValue(forKey: ticket)
            var unsent = work
            unsent.intentDurable = work.chunk.kind == .create
            queue.insert(unsent, at: 0)
            stopRun(.api(message))
            return
        }
        if flight.phase == .lookingUp {
            // A look-up that fails leaves it unknown whether the rows exist: never guess.
            flights.removeValue(forKey: ticket)
            stopRun(.api(Self.message(of: failure)))
            return
        }
        guard flight.phase == .sending else { return }
        switch failure {
        case .refused(let message):
            if let (first, second) = ChunkSplitter().split(work.chunk) {
                flights.removeValue(forKey: ticket)
                queue.insert(contentsOf: [Work(chunk: first, verifyFirst: false, rounds: work.rounds),
                                          Work(chunk: second, verifyFirst: false, rounds: work.rounds)], at: 0)
            } else {
                let failed = work.chunk.rows.map {
                    JournalRowOutcome(row: $0.row, status: .failed, message: Self.rowMessage(message))
                }
                record(ticket, &flight, failed, &actions)
            }
        case .mayHaveBeenApplied(let message):
            flights.removeValue(forKey: ticket)
            guard work.chunk.kind == .create else {
                stopRun(.api(message))
                return
            }
            guard work.rounds < configuration.maxAmbiguousRounds else {
                stopRun(.api("creates kept failing without an answer (\(message))"))
                return
            }
            queue.insert(Work(chunk: work.chunk, verifyFirst: true, rounds: work.rounds + 1), at: 0)
        case .fatal(let message), .unauthorized(let message), .notSent(let message):
            flights.removeValue(forKey: ticket)
            stopRun(.api(message))
        }
    }

    /// A write refused with 401 applied nothing: it goes back to the front of its queue, and the
    /// first such refusal of the current token asks for a new one. A token renewed since the last
    /// accepted write that is refused again means the credentials are no good: the run stops.
    private mutating func unauthorized(_ ticket: Int, _ message: String, _ actions: inout [ImportAction]) {
        let sentWith: Int
        if let index = deleting.removeValue(forKey: ticket) {
            deleteQueue.insert(index, at: 0)
            sentWith = writeCredentials.removeValue(forKey: ticket) ?? credentials
        } else if let recovery = recovering.removeValue(forKey: ticket) {
            recoverQueue.insert(recovery, at: 0)
            sentWith = writeCredentials.removeValue(forKey: ticket) ?? credentials
        } else if let flight = flights[ticket], flight.phase == .sending {
            flights.removeValue(forKey: ticket)
            var work = flight.work
            work.intentDurable = work.chunk.kind == .create
            queue.insert(work, at: 0)
            sentWith = flight.credentials
        } else {
            if flights.removeValue(forKey: ticket) != nil { stopRun(.api("credentials rejected: \(message)")) }
            return
        }
        // A newer token exists or is on its way: the work simply goes again with it.
        guard sentWith == credentials, !refreshingCredentials else { return }
        guard refreshesWithoutAnswer < configuration.maxCredentialRefreshes else {
            if writesInFlight(with: credentials) {
                awaitingVerdict = message
                return
            }
            stopRun(.api("credentials rejected: the API refused a freshly issued token (\(message))"))
            return
        }
        awaitingVerdict = nil
        refreshingCredentials = true
        actions.append(.refreshCredentials)
    }

    private mutating func lookedUp(_ ticket: Int, _ found: [Int: AnsweredResource], _ actions: inout [ImportAction]) {
        guard var flight = flights[ticket], flight.phase == .lookingUp else { return }
        var outcomes: [JournalRowOutcome] = []
        var missing: [PlannedRow] = []
        for row in flight.work.chunk.rows {
            if let answer = found[row.row] {
                outcomes.append(Self.outcome(row.row, answer, status: .created))
            } else {
                missing.append(row)
            }
        }
        if !missing.isEmpty {
            var again = flight.work.chunk
            again.rows = missing
            queue.insert(Work(chunk: again, verifyFirst: false, rounds: flight.work.rounds), at: 0)
        }
        record(ticket, &flight, outcomes, &actions)
    }

    private mutating func record(_ ticket: Int, _ flight: inout Flight, _ outcomes: [JournalRowOutcome],
                                 _ actions: inout [ImportAction]) {
        guard !outcomes.isEmpty else {
            flights.removeValue(forKey: ticket)
            return
        }
        flight.phase = .recording
        flight.outcomes = outcomes
        flights[ticket] = flight
        actions.append(.recordOutcomes(ticket: ticket, outcomes))
    }

    // MARK: - Work and the end

    private mutating func stopRun(_ reason: ImportStop) {
        if stop == nil { stop = reason }
    }

    /// Whether a write (bulk call, delete, recover) sent with token generation `generation` is unanswered.
    private func writesInFlight(with generation: Int) -> Bool {
        flights.values.contains { $0.phase == .sending && $0.credentials == generation }
            || writeCredentials.values.contains(generation)
    }

    private mutating func pump(_ actions: inout [ImportAction]) {
        guard !finished else { return }
        if let message = awaitingVerdict, !refreshingCredentials, !writesInFlight(with: credentials) {
            // The writes sent with the refused token have all answered (see `awaitingVerdict`).
            awaitingVerdict = nil
            if refreshesWithoutAnswer == 0 {
                refreshingCredentials = true
                actions.append(.refreshCredentials)
            } else {
                stopRun(.api("credentials rejected: the API refused a freshly issued token (\(message))"))
            }
        }
        let holding = refreshingCredentials || awaitingVerdict != nil
        if stop == nil && planner.bufferedRows > 0 && (inputEnded || waiting.count + order.pending >= configuration.backlogLimit) {
            for chunk in planner.finish() { queue.append(Work(chunk: chunk, verifyFirst: false, rounds: 0)) }
        }
        while stop == nil && !holding && flights.count + recovering.count < configuration.concurrency
            && !recoverQueue.isEmpty
        {
            let recovery = recoverQueue.removeFirst()
            let ticket = nextTicket
            nextTicket += 1
            recovering[ticket] = recovery
            writeCredentials[ticket] = credentials
            sentWrites = true
            if case let .update(id) = recovery.planned.operation {
                actions.append(.recover(ticket: ticket, id: id, recovery.planned.returnURLs))
            }
        }
        while stop == nil && !holding && flights.count + recovering.count < configuration.concurrency
            && !queue.isEmpty
        {
            dispatch(queue.removeFirst(), &actions)
        }
        if stop == nil && tenant == .read && !readingRows && !inputEnded && queue.count < configuration.concurrency
            && waiting.count + order.pending < configuration.backlogLimit
        {
            readingRows = true
            actions.append(.readRows)
        }
        if stop == nil && planner.bufferedRows > 0 && inputEnded && recovering.isEmpty && recoverQueue.isEmpty {
            // Updates of recovered rows join the planner after the input ended: flush them too.
            for chunk in planner.finish() { queue.append(Work(chunk: chunk, verifyFirst: false, rounds: 0)) }
            while !holding && flights.count + recovering.count < configuration.concurrency && !queue.isEmpty {
                dispatch(queue.removeFirst(), &actions)
            }
        }
        var idle = !readingRows && tenant != .reading && flights.isEmpty && recovering.isEmpty && !holding
        let done = stop != nil || (inputEnded && queue.isEmpty && planner.bufferedRows == 0 && recoverQueue.isEmpty)
        if idle && done && stop == nil && missingPhase == .notYet {
            // Every input row is done: what the input no longer names is missing.
            planMissing()
        }
        while stop == nil && !holding && flights.count + deleting.count < configuration.concurrency
            && !deleteQueue.isEmpty
        {
            let index = deleteQueue.removeFirst()
            let ticket = nextTicket
            nextTicket += 1
            deleting[ticket] = index
            writeCredentials[ticket] = credentials
            sentWrites = true
            actions.append(.delete(ticket: ticket, id: missingRows[index].report.id ?? ""))
        }
        idle = idle && deleting.isEmpty
        if idle && missingPhase == .deleting && (deleteQueue.isEmpty || stop != nil) {
            missingPhase = .done
            let rest = order.drain()
            if !reportBroken && !rest.isEmpty { actions.append(.writeReport(rest)) }
            // Deletions a stop kept from being sent are reported as still missing.
            for i in missingRows.indices where missingRows[i].report.status == .valid {
                missingRows[i].report.status = .missing
                missingRows[i].report.appendMessage("not deleted: the run stopped")
            }
            for i in missingRows.indices { count(missingRows[i].report.status) }
            if !reportBroken && !missingRows.isEmpty { actions.append(.writeReport(missingRows)) }
        }
        if idle && done {
            // Rows finished after a gap (a stop left earlier rows unfinished) are still reported.
            let rest = order.drain()
            if !reportBroken && !rest.isEmpty { actions.append(.writeReport(rest)) }
            finished = true
            // Create chunks whose rows an intent made durable ahead of their turn, never handed to a
            // worker (only a stop leaves work queued): journaled as withdrawn by the driver.
            let withdrawn = queue.filter { $0.intentDurable && $0.chunk.kind == .create }.flatMap { $0.chunk.rows.map(\.row) }
            actions.append(.finish(ImportOutcome(counts: counts, sentWrites: sentWrites, stop: stop, deletesRefused: deletesRefused,
                                                 withdrawnRows: withdrawn)))
        }
    }

    // MARK: - Missing resources (leavers)

    /// Marks the resources a row points at, valid or not, as named by the input.
    private mutating func protect(_ row: ImportRow) {
        guard configuration.missing != .ignore else { return }
        if let id = row.report.id, !id.isEmpty { markMatched(id) }
        if configuration.matchField != nil {
            if let key = Self.key(row.key) { matched.formUnion(keyed[key] ?? []) }
        } else if let email = PlannedRow.normalize(email: row.report.email) {
            matched.formUnion(index.ids(forEmail: email))
        }
    }

    /// Marks the tenant's resource `id` as named by the input. Only listed resources can be missing
    /// (``planMissing()``), so an id the listing did not have is left out: every created resource's
    /// id went into the set, which grew (rehashing its ids) with the run (issue 17).
    private mutating func markMatched(_ id: String) {
        if index.count > 0 && index.resource(id: id) != nil { matched.insert(id) }
    }

    /// Decides the missing resources once every input row is done: rows to report, or deletions
    /// to send when they stay within the limit.
    private mutating func planMissing() {
        missingPhase = .deleting
        guard configuration.missing != .ignore, configuration.readTenant else { return }
        let n = configuration.matchField
        // Under a key, only resources carrying one are managed by the input: rooms, things and
        // people without a key are never touched (nor reported).
        let managed = index.all.filter { r in n.map { Self.key(r.customFields?[$0]) != nil } ?? true }
        let missing = managed.filter { !matched.contains($0.id ?? "") }
            .sorted { ($0.name ?? "", $0.email ?? "", $0.id ?? "") < ($1.name ?? "", $1.email ?? "", $1.id ?? "") }
        guard !missing.isEmpty else { return }
        let deleting = configuration.missing == .delete && n != nil
        let limit = configuration.maxDeletes.limit(managed: managed.count)
        let refused = deleting && missing.count > limit
        for r in missing {
            var report = ReportRow(row: 0, line: 0, status: .missing, id: r.id, name: r.name, email: r.email)
            report.describe(r)
            if refused {
                report.appendMessage("not deleted: \(missing.count) of \(managed.count) managed resources are missing, "
                    + "more than the limit of \(limit) (\(configuration.maxDeletes.description)); is the input complete?")
            } else if deleting {
                report.status = configuration.dryRun ? .wouldDelete : .valid
            }
            missingRows.append(ImportRow(report: report, raw: nil, disposition: .skipped))
        }
        if refused { deletesRefused = missing.count }
        if deleting && !refused && !configuration.dryRun { deleteQueue = Array(missingRows.indices) }
    }

    private mutating func recoverAnswered(_ ticket: Int, _ answer: Resource?, failure: SendFailure?,
                                          _ actions: inout [ImportAction]) {
        guard let recovery = recovering.removeValue(forKey: ticket) else { return }
        let number = recovery.planned.row
        if let failure {
            if case .fatal(let message) = failure {
                // The row stays unfinished, like any row a stop leaves unsent.
                stopRun(.api(message))
                return
            }
            guard var row = waiting.remove(number) else { return }
            row.report.status = .failed
            row.report.appendMessage("cannot recover the deleted resource: " + Self.message(of: failure))
            finish(row, &actions)
            return
        }
        if let id = answer?.id ?? recovery.resource.id { markMatched(id) }
        if recovery.changed {
            recoveredRows.insert(number)
            for chunk in planner.add(recovery.planned) { queue.append(Work(chunk: chunk, verifyFirst: false, rounds: 0)) }
            return
        }
        guard var row = waiting.remove(number) else { return }
        row.report.status = .recovered
        row.report.describe(answer ?? recovery.resource)
        finish(row, &actions)
    }

    private mutating func deleteAnswered(_ ticket: Int, failure: SendFailure?) {
        guard let index = deleting.removeValue(forKey: ticket) else { return }
        guard let failure else {
            missingRows[index].report.status = .deleted
            return
        }
        missingRows[index].report.status = .failed
        missingRows[index].report.appendMessage("not deleted: " + Self.message(of: failure))
        if case .fatal(let message) = failure { stopRun(.api(message)) }
    }

    private mutating func dispatch(_ work: Work, _ actions: inout [ImportAction]) {
        let ticket = nextTicket
        nextTicket += 1
        if work.verifyFirst {
            flights[ticket] = Flight(work: work, phase: .lookingUp)
            actions.append(.lookUp(ticket: ticket, work.chunk.rows))
        } else if work.chunk.kind == .create && !work.intentDurable {
            flights[ticket] = Flight(work: work, phase: .writingIntent)
            actions.append(.writeIntent(ticket: ticket, intentAhead(work.chunk)))
        } else {
            flights[ticket] = Flight(work: work, phase: .sending, credentials: credentials)
            sentWrites = true
            actions.append(.send(ticket: ticket, work.chunk))
        }
    }

    /// The intent line of `chunk`, dispatched now, with the rows of up to
    /// ``Configuration/intentsAhead`` create chunks that wait in the queue for a worker folded in
    /// (group commit: one `fsync` makes them all durable); those are marked `intentDurable` and
    /// are sent, when their turn comes, without an intent of their own.
    ///
    /// Only chunks the current dispatch loop cannot reach are folded in (the first `free` of the
    /// queue may still be dispatched by it, each with its own intent action): a folded chunk is
    /// dispatched by a later event, after the driver has written this intent and answered
    /// `intentWritten`, or never when writing it failed (the run stops). Every create sent thus
    /// has its rows in an intent line made durable before it. The journal replay works by row,
    /// so an intent line holding several chunks' rows reads like several lines.
    private mutating func intentAhead(_ chunk: Chunk) -> JournalIntent {
        var intent = JournalIntent(chunk: chunk)
        guard configuration.intentsAhead > 0 else { return intent }
        let free = max(0, configuration.concurrency - flights.count - recovering.count)
        var folded = 0
        var i = free
        while i < queue.count && folded < configuration.intentsAhead {
            if queue[i].chunk.kind == .create && !queue[i].verifyFirst && !queue[i].intentDurable {
                let more = JournalIntent(chunk: queue[i].chunk)
                intent.chunk += "+" + more.chunk
                intent.rows += more.rows
                intent.emails += more.emails
                queue[i].intentDurable = true
                folded += 1
            }
            i += 1
        }
        return intent
    }

    // MARK: - Pure helpers

    /// A match key as compared: trimmed, `nil` when empty. Case counts (employee ids are codes).
    static func key(_ text: String?) -> String? {
        guard let text else { return nil }
        let t = WhitespaceTrim.whitespacesAndNewlines(text)
        return t.isEmpty ? nil : t
    }

    private static func message(of failure: SendFailure) -> String {
        switch failure {
        case .refused(let m), .mayHaveBeenApplied(let m), .unauthorized(let m), .fatal(let m), .notSent(let m): m
        }
    }

    /// The position in `answer` of the resource for row `i` (its operation and e-mail: passing
    /// the whole planned row copied its payload): by position when the answer has one per row and
    /// agrees, else by id (updates) or e-mail (creates). A resource without an id matches nothing.
    static func matchIndex(_ operation: RowOperation, email: String?, at i: Int, in answer: [AnsweredResource],
                           chunkSize: Int) -> Int? {
        // By position, reading the two fields in place: `answer[k].resource` as an argument
        // copied the answered resource and its outcome for every row (issue 17).
        func same(_ k: Int) -> Bool {
            guard let id = answer[k].resource.id, !id.isEmpty else { return false }
            if case let .update(wanted) = operation { return id == wanted }
            guard let email else { return false }
            // `email` is normalized already: an answer that gives it as it is needs no normalizing.
            if answer[k].resource.email == email { return true }
            return PlannedRow.normalize(email: answer[k].resource.email) == email
        }
        if answer.count == chunkSize, i < answer.count, same(i) { return i }
        return answer.indices.first { same($0) }
    }

    /// A sent row's outcome from the API's resource (a look-up's answer).
    static func outcome(_ row: Int, _ answer: AnsweredResource, status: JournalRowOutcome.Status) -> JournalRowOutcome {
        var outcome = JournalRowOutcome(row: row, status: status)
        describe(&outcome, [answer], at: 0)
        return outcome
    }

    /// Fills a new outcome (row and status only) from the API's resource `answers[a]`, its
    /// fields read in place and stored one by one (issue 17: passing `answers[a]` copied the
    /// answered resource, and an outcome made whole was copied into its list, for every row).
    static func describe(_ outcome: inout JournalRowOutcome, _ answers: [AnsweredResource], at a: Int) {
        if let google = answers[a].resource.googleCalendarId, !google.isEmpty {
            outcome.provider = CalendarProvider.google.rawValue
            outcome.calendarId = google
            outcome.authorized = answers[a].resource.googleCalendarAuthorized ?? false
            outcome.authUrl = answers[a].resource.googleCalendarAuthUrl.flatMap { $0.isEmpty ? nil : $0 }
        } else if let outlook = answers[a].resource.outlookCalendarId, !outlook.isEmpty {
            outcome.provider = CalendarProvider.outlook.rawValue
            outcome.calendarId = outlook
            outcome.authorized = answers[a].resource.outlookCalendarAuthorized ?? false
            outcome.authUrl = answers[a].resource.outlookCalendarAuthUrl.flatMap { $0.isEmpty ? nil : $0 }
        }
        outcome.id = answers[a].resource.id
        outcome.message = answers[a].linkWarning
        outcome.name = answers[a].resource.name
        outcome.email = answers[a].resource.email
        outcome.calendarAvailability = answers[a].resource.calendarAvailability
    }

    /// The API's complaint about the single resource of a bulk call, without the position prefix
    /// of its field paths (`resources[0].Email: …` → `Email: …`): the position is in the call, not
    /// in the file, so in a report row it only misleads.
    static func rowMessage(_ message: String) -> String {
        var out = ""
        var rest = Substring(message)
        while let start = rest.range(of: "resources[", options: .caseInsensitive) {
            var cursor = start.upperBound
            let digits = rest[cursor...].prefix(while: \.isNumber)
            cursor = rest.index(cursor, offsetBy: digits.count)
            guard !digits.isEmpty, cursor < rest.endIndex, rest[cursor] == "]" else {
                out += rest[..<start.upperBound]
                rest = rest[start.upperBound...]
                continue
            }
            cursor = rest.index(after: cursor)
            if cursor < rest.endIndex, rest[cursor] == "." {
                cursor = rest.index(after: cursor)
            } else if cursor < rest.endIndex, rest[cursor] == ":" {
                cursor = rest.index(after: cursor)
                while cursor < rest.endIndex, rest[cursor] == " " { cursor = rest.index(after: cursor) }
            }
            out += rest[..<start.lowerBound]
            rest = rest[cursor...]
        }
        return out + rest
    }
}
