import BatchModel
import BatchRules
import BatchWire
import BatchJournal
import BatchReport
import BatchSync
import BatchInput
import Foundation
import JSONCodec

/// `import`: the driver of ``ImportCore``. It reads and validates the input, reads the tenant,
/// sends chunks, looks up lost creates, writes the journal and the report, each when the core asks,
/// and hands every result back to the core as an event, failures included. Network work runs on up
/// to `concurrency` child tasks that always answer with exactly one event; file work (journal,
/// report, errors file) runs on the driver itself, in the order the core gave it.
public struct ImportJob: Sendable {
    /// What a run did: the core's outcome and the summary to print. The journal stays open: the
    /// caller ends it (``JournalSession/end(finished:sentWrites:)``) once its last output is written.
    public struct Result: Sendable {
        public var outcome: ImportOutcome
        public var summary: JobSummary
    }

    public let options: ImportOptions
    public let validation: ValidationOptions
    public let client: OnSchedClient?
    public let stop: StopSignal

    public init(options: ImportOptions, validation: ValidationOptions, client: OnSchedClient?, stop: StopSignal) {
        self.options = options
        self.validation = validation
        self.client = client
        self.stop = stop
    }

    /// The run's journal (none for a dry run): new, an earlier run of this input carried on, or an
    /// earlier run of another input set aside (see ``JournalSession``).
    public func openJournal(inputPath: String) throws -> JournalSession? {
        guard !options.dryRun, let path = options.journalPath else { return nil }
        let fingerprint = try InputFingerprint.compute(path: inputPath)
        let header = JournalHeader(
            input: fingerprint,
            options: JournalOptions(chunkSize: options.chunkSize, matchBy: options.matchBy.rawValue,
                                    locationId: validation.locationId, googleReturnUrl: validation.returnURLs.google,
                                    outlookReturnUrl: validation.returnURLs.outlook))
        return try JournalSession.begin(path: path, header: header, resume: options.resume)
    }

    /// Looks up the creates a set-aside journal left uncertain, so the note can say what became of
    /// them. Tonight's listing of the tenant finds the ones that exist, so nothing is created twice.
    /// - Returns: (found, not found, lookups that failed).
    public func settle(_ replay: JournalReplay) async -> (found: Int, absent: Int, unknown: Int) {
        guard let client else { return (0, 0, replay.uncertainCreates.count) }
        var found = 0, absent = 0, unknown = 0
        let location = replay.header?.options.locationId
        for create in replay.uncertainCreates {
            guard let email = create.email, !stop.isStopped else {
                unknown += 1
                continue
            }
            do {
                if try await client.findResources(email: email, locationId: location).isEmpty { absent += 1 } else { found += 1 }
            } catch {
                unknown += 1
            }
        }
        return (found, absent, unknown)
    }

    /// Runs the import to its end and says what happened. Nothing here throws: every failure
    /// becomes the outcome's `stop`.
    public func run(input: OpenedInput, hosting: HostingClassifier?, journal: JournalSession?,
                    progress: ProgressHandler?) async -> Result {
        let clock = ContinuousClock()
        let started = clock.now
        var summary = JobSummary(command: options.dryRun ? "import --dry-run" : "import")
        summary.reportPath = options.reportPath
        let replay = journal?.replay
        var core = ImportCore(ImportCore.Configuration(
            chunkSize: options.chunkSize, concurrency: options.concurrency, dryRun: options.dryRun,
            matchByEmail: options.matchBy == .email, readTenant: client != nil && options.matchBy != .none,
            finished: replay?.finished ?? [:], uncertainCreates: Set(replay?.uncertainCreates.map(\.row) ?? []),
            sendUnchanged: options.sendUnchanged, matchField: options.matchBy.customField, missing: options.missing,
            maxDeletes: options.maxDeletes, runReturnURLs: validation.returnURLs,
            // Group commit: one fsync for the intents of up to concurrency + 1 create chunks
            // (issue 17: an fsync per chunk was ~2 µs of system time a row).
            intentsAhead: options.concurrency))

        var outcome: ImportOutcome
        var errorsPath: String?
        do {
            let report = try ReportWriter(path: options.reportPath, format: options.reportFormat, excel: options.excel,
                                          changesColumn: true)
            let errors = ErrorsWriter(path: options.errorsPath, layout: input.errorsLayout)
            let pipeline = ValidationPipeline(source: input.source, options: validation, hosting: hosting)
            let files = RunFiles(report: report, errors: errors, journal: journal?.journal)
            outcome = await drive(&core, pipeline: pipeline, input: input, journal: journal, files: files, progress: progress,
                                  started: started)
            // A journal of an older format (resumed from version 3 or earlier) gets no line its
            // readers would not know.
            if let journal = files.journal, !outcome.withdrawnRows.isEmpty, (replay?.header?.version ?? 0) >= JournalHeader.withdrawalsSince {
                // Not synced, and a failure is let go: a withdrawal lost only leaves these rows
                // uncertain, looked up by e-mail on resume as before.
                try? journal.append(.withdrawn(JournalWithdrawn(rows: outcome.withdrawnRows)), sync: false)
            }
            for (path, close) in [(report.path, { try report.close() }), (errors.path, { try errors.close() })] {
                do { try close() } catch {
                    if outcome.stop == nil { outcome.stop = .output(path: path, reason: Self.describe(error)) }
                }
            }
            errorsPath = errors.rowsWritten > 0 ? errors.path : nil
        } catch {
            outcome = ImportOutcome(stop: .output(path: options.reportPath, reason: Self.describe(error)))
        }

        for (status, n) in outcome.counts { summary.count(status, times: n) }
        summary.errorsPath = errorsPath
        if let client { summary.record(await client.stats) }
        summary.elapsedSeconds = seconds(clock.now - started)
        progress?(JobProgress(rowsDone: core.rowsDone, counts: core.statusCounts, bytesRead: input.size ?? 0,
                              totalBytes: input.size, elapsed: summary.elapsedSeconds,
                              phase: options.dryRun ? .validating : .sending))
        return Result(outcome: outcome, summary: summary)
    }

    /// The files a run writes from its driver, never from a worker.
    private struct RunFiles {
        let report: ReportWriter
        let errors: ErrorsWriter
        let journal: Journal?
    }

    /// The event loop: runs the core's actions until it finishes.
    private func drive(_ core: inout ImportCore, pipeline: ValidationPipeline, input: OpenedInput, journal: JournalSession?,
                       files: RunFiles,
                       progress: ProgressHandler?, started: ContinuousClock.Instant) async -> ImportOutcome {
        let (events, sink) = AsyncStream.makeStream(of: ImportEvent.self)
        stop.onStop { reason in
            switch reason {
            case .interrupted: sink.yield(.stopRequested(.interrupted))
            case .failed(let message): sink.yield(.stopRequested(.api(message)))
            }
        }
        let client = self.client
        let clock = ContinuousClock()
        var lastProgress = clock.now - .seconds(1)  // the first report names the first phase at once
        var lastRowRead: Int?
        // Tickets whose intent line this run made durable: their `done` line needs no sync of
        // its own (``Journal/append(_:sync:)``): lost in an OS crash, the resumed run looks the
        // creates up by e-mail, never creates them twice. Every other `done` line is synced.
        // A create the core sends always has its rows in an intent line this run made durable
        // before (its own, or one it was folded into: ``ImportCore/Configuration/intentsAhead``),
        // so every create ticket sent counts too.
        var intentDurable = Set<Int>()
        var outcome = ImportOutcome()
        await withDiscardingTaskGroup { group in
            var iterator = events.makeAsyncIterator()
            var actions = core.start()
            while true {
                var next = 0
                while next < actions.count {
                    // Taken out of the list (which is emptied after this loop), so that the rows a
                    // `writeReport` carries are this action's alone and move out without a copy.
                    var action = ImportAction.readRows
                    swap(&action, &actions[next])
                    next += 1
                    var answer: ImportEvent?
                    switch consume action {
                    case .finish(let result):
                        outcome = result
                    case .loadTenant:
                        guard let client else {
                            answer = .tenantRead(TenantIndex())
                            break
                        }
                        let location = validation.locationId
                        let stop = self.stop
                        group.addTask {
                            do {
                                sink.yield(.tenantRead(try await TenantIndex.load(client: client, locationId: location, includeDeleted: true, stop: stop)))
                            } catch {
                                sink.yield(.tenantFailed(Self.describe(error)))
                            }
                        }
                    case .readRows:
                        do {
                            if var batch = try await pipeline.nextBatch() {
                                if !batch.isEmpty { lastRowRead = batch[batch.count - 1].row }
                                let field = options.matchBy.customField.map { ResourceValidator.customFields[$0 - 1] }
                                // Each validated row moved out of the batch (`map` copied each one),
                                // and the import rows moved into the core, not through an event
                                // (see ``ImportCore/handle(rowsRead:)``).
                                var rows: [ImportRow] = []
                                rows.reserveCapacity(batch.count)
                                batch.drainInOrder { Self.append($0, to: &rows, keyField: field) }
                                actions += core.handle(rowsRead: consume rows)
                            } else {
                                try input.checkUnchanged()
                                if let expected = journal?.replay.header?.input, expected.isResumable,
                                   !expected.sameContent(as: try InputFingerprint.compute(path: input.path, hash: .of(expected.fingerprint))) {
                                    throw InputError.changedWhileRead(path: input.path, change: "its content is not what the run began with")
                                }
                                answer = .inputEnded
                            }
                        } catch {
                            answer = .inputFailed(Self.describe(error))
                        }
                    case .writeIntent(let ticket, let intent):
                        answer = append(.intent(intent), to: files.journal, ticket: ticket)
                        if answer == nil { intentDurable.insert(ticket) }
                        answer = answer ?? .intentWritten(ticket: ticket)
                    case .recordOutcomes(let ticket, let outcomes):
                        let sync = intentDurable.remove(ticket) == nil
                        answer = append(.done(JournalDone(chunk: nil, rows: outcomes)), to: files.journal, ticket: ticket, sync: sync)
                            ?? .outcomesRecorded(ticket: ticket)
                    case .writeReport(let rows):
                        answer = write(consume rows, files)
                    case .send(let ticket, let chunk):
                        if chunk.kind == .create { intentDurable.insert(ticket) }
                        guard let client else {
                            answer = .sendFailed(ticket: ticket, .fatal("no API to send to"))
                            break
                        }
                        group.addTask { sink.yield(await Self.send(chunk, ticket: ticket, client: client)) }
                    case .delete(let ticket, let id):
                        guard let client else {
                            answer = .sendFailed(ticket: ticket, .fatal("no API to delete resources"))
                            break
                        }
                        group.addTask { sink.yield(await Self.delete(id, ticket: ticket, client: client)) }
                    case .recover(let ticket, let id, let urls):
                        guard let client else {
                            answer = .sendFailed(ticket: ticket, .fatal("no API to recover resources"))
                            break
                        }
                        group.addTask { sink.yield(await Self.recover(id, returnURLs: urls, ticket: ticket, client: client)) }
                    case .refreshCredentials:
                        guard let client else {
                            answer = .credentialsRefreshFailed("no API to renew the token with")
                            break
                        }
                        group.addTask {
                            do {
                                try await client.renewToken()
                                sink.yield(.credentialsRefreshed)
                            } catch {
                                sink.yield(.credentialsRefreshFailed(Self.describe(error)))
                            }
                        }
                    case .lookUp(let ticket, let rows):
                        guard let client else {
                            answer = .sendFailed(ticket: ticket, .fatal("no API to look resources up"))
                            break
                        }
                        group.addTask { sink.yield(await Self.lookUp(rows, ticket: ticket, client: client)) }
                    }
                    // Taken out of the optional and moved in: a copy left here kept the rows it carries
                    // shared, and the core's moves out of them copied the whole batch (issue 17).
                    if let event = answer.take() { actions += core.handle(consume event) }
                }
                actions.removeAll(keepingCapacity: true)
                if core.isFinished { break }
                if let reason = core.stopReason, !stop.isStopped { stop.stop(Self.signalReason(reason)) }
                if let progress, clock.now - lastProgress > .milliseconds(250) {
                    lastProgress = clock.now
                    progress(JobProgress(rowsDone: core.rowsDone, counts: core.statusCounts, bytesRead: input.bytesRead,
                                         totalBytes: input.size, elapsed: seconds(clock.now - started), rowsRead: lastRowRead,
                                         phase: core.isReadingTenant ? .readingTenant : options.dryRun ? .validating : .sending))
                }
                // Every action in flight answers with exactly one event, so this wait always ends.
                guard let event = await iterator.next() else { break }
                actions = core.handle(consume event)
            }
        }
        sink.finish()
        return outcome
    }

    private func append(_ entry: JournalEntry, to journal: Journal?, ticket: Int, sync: Bool = true) -> ImportEvent? {
        guard let journal else { return nil }
        do {
            try journal.append(entry, sync: sync)
            return nil
        } catch {
            return .journalFailed(ticket: ticket, path: journal.path, reason: Self.describe(error))
        }
    }

    /// Moves each row out of `rows` (the action's, taken out of the action list), and each report
    /// line out of its row (``ImportRow/takeReport()``): read through the row, the line was copied
    /// out of the row's storage for the writer's call (issue 17), and `for row in rows` copied
    /// each row.
    private func write(_ rows: consuming [ImportRow], _ files: RunFiles) -> ImportEvent? {
        rows.reverseByMoving()
        while var row = rows.popLast() {
            let report = row.takeReport()
            do {
                try files.report.write(report)
            } catch {
                return .reportFailed(path: files.report.path, reason: Self.describe(error))
            }
            // Rows for missing resources (row 0) were never in the input: not for the errors file.
            guard report.status.isFailure, report.row > 0 else { continue }
            do {
                try files.errors.write(raw: row.raw, message: report.message)
            } catch {
                return .reportFailed(path: files.errors.path, reason: Self.describe(error))
            }
        }
        return nil
    }

    // MARK: - Workers

    /// A validated row as the core takes it (``append(_:to:keyField:)``'s row, for callers that
    /// want one).
    static func importRow(_ row: consuming ValidatedRow, keyField: ResourceField? = nil) -> ImportRow {
        var rows: [ImportRow] = []
        append(row, to: &rows, keyField: keyField)
        return rows.removeLast()
    }

    /// A validated row as the core takes it, appended to `rows`.
    /// `keyField`: the match field (`customFieldN`), whose value every row carries as its key.
    ///
    /// A valid row's report line and disposition are stored where the row lies in the list: made
    /// whole and returned, each import row and its report line were copied on the way into the
    /// list (issue 17). The name, e-mail and calendar id are made once for the report line, the
    /// payload and the e-mail key (each was made two or three times a row). A row with errors or
    /// a duplicate is consumed into its report line last: an initializer takes its arguments
    /// owned, so a row still needed afterwards was copied for it.
    static func append(_ row: consuming ValidatedRow, to rows: inout [ImportRow], keyField: ResourceField? = nil) {
        let key = keyField.flatMap { row.record.input[$0] }
        let raw = row.record.raw
        guard !row.issues.hasErrors, row.duplicateOf == nil else {
            let (status, disposition): (RowStatus, ImportRow.Disposition) = row.issues.hasErrors ? (.invalid, .invalid) : (.skipped, .skipped)
            rows.append(ImportRow(report: ReportRow(consume row, status: status), raw: raw, disposition: disposition, key: key))
            return
        }
        rows.append(ImportRow(report: ReportRow(row: row.row, line: row.line, status: .valid), raw: raw, disposition: .skipped, key: key))
        let last = rows.count - 1
        let texts = row.texts
        rows[last].report.id = row.id
        rows[last].report.name = texts.name
        rows[last].report.email = texts.email
        rows[last].report.provider = row.provider
        rows[last].report.calendarId = texts.calendarId
        rows[last].report.calendarAvailability = row.calendarAvailability
        rows[last].report.message = row.issues.reportMessage
        rows[last].disposition = .candidate(id: row.id, emailKey: texts.email.map(EmailAddress.key),
                                            payload: row.payload(reusing: texts), returnURLs: row.returnURLs)
    }

    /// One bulk call, and the links of the resources that came back without one.
    static func send(_ chunk: Chunk, ticket: Int, client: OnSchedClient) async -> ImportEvent {
        do {
            // A 401 on the write goes back to the core, which renews the token once for every worker.
            let writer = client.leavingUnauthorizedToCaller()
            // Only each resource's outcome is read from the answer (ImportCore.outcome, matchIndex).
            var answer: [ResourceOutcome]
            if chunk.kind == .create {
                // Each planned row's payload written where it lies, with the id and location a
                // copy would get below (issue 17: a copy per row, ~4,500 instructions with its release).
                // Read through the rows' buffer: `chunk.rows[i].payload` copied the payload (~1,000
                // instructions a row with its release).
                answer = try await writer.bulkCreateOutcomes(count: chunk.rows.count, returnURLs: chunk.returnURLs, writing: { i, w in
                    try chunk.rows.withUnsafeBufferPointer { rows in
                        if case let .update(id) = rows[i].operation {
                            try rows[i].payload.write(to: &w, id: id, locationId: nil)
                        } else {
                            try rows[i].payload.write(to: &w, id: nil, locationId: rows[i].payload.locationId)
                        }
                    }
                }, expecting: { i in
                    // The answer's i-th resource is usually the i-th sent: its strings are reused.
                    i < chunk.rows.count ? chunk.rows.withUnsafeBufferPointer { $0[i].payload.expectedAnswer } : nil
                })
            } else {
                var payloads = chunk.rows.map { row -> ResourcePayload in
                    var p = row.payload
                    if case let .update(id) = row.operation {
                        p.id = id
                        p.locationId = nil
                    } else {
                        p.id = nil
                    }
                    return p
                }
                // Bulk items need name and e-mail. The core fills them from the tenant listing; a row
                // whose id the listing did not have (another location, a run without the listing)
                // takes them from one GET of its resource.
                for i in payloads.indices where !payloads[i].hasIdentity {
                    payloads[i] = payloads[i].withIdentity(of: try await client.getResource(id: payloads[i].id ?? ""))
                }
                answer = try await writer.bulkUpdateOutcomes(payloads, returnURLs: chunk.returnURLs)
            }
            var answered: [AnsweredResource] = []
            answered.reserveCapacity(answer.count)
            // Each resource moved out of the answer, first to last: `for resource in answer`
            // copied each one (issue 17).
            answer.reverseByMoving()
            while var resource = answer.popLast() {
                // Most answers carry their link (or need none): those skip the async call and its
                // copy of the resource (issue 17: ~6,000 instructions a row), and are swapped into
                // place (made whole, each answered resource was copied into the list).
                if Self.linkToFetch(resource) == nil {
                    answered.append(AnsweredResource(ResourceOutcome()))
                    swap(&answered[answered.count - 1].resource, &resource)
                } else {
                    answered.append(await withLink(resource, returnURLs: chunk.returnURLs, client: client))
                }
            }
            return .answered(ticket: ticket, answered)
        } catch {
            return .sendFailed(ticket: ticket, writeFailure(error, createMayHaveBeenApplied: chunk.kind == .create))
        }
    }

    /// Soft-deletes one resource. A refusal (a 4xx) is that resource's failure; anything else stops the run.
    static func delete(_ id: String, ticket: Int, client: OnSchedClient) async -> ImportEvent {
        do {
            try await client.leavingUnauthorizedToCaller().deleteResource(id: id)
            return .deleted(ticket: ticket)
        } catch {
            return .sendFailed(ticket: ticket, writeFailure(error))
        }
    }

    /// Recovers one soft-deleted resource. A refusal (a 4xx) is that row's failure; anything else stops the run.
    static func recover(_ id: String, returnURLs: ReturnURLs, ticket: Int, client: OnSchedClient) async -> ImportEvent {
        do {
            let resource = try await client.leavingUnauthorizedToCaller().recoverResource(id: id, returnURLs: returnURLs)
            return .recovered(ticket: ticket, resource)
        } catch {
            return .sendFailed(ticket: ticket, writeFailure(error))
        }
    }

    /// How a write (bulk call, delete, recover) failed, as the core must know: a 401 goes back to it
    /// for a new token, a create whose answer was lost is looked up, another 4xx is the rows'
    /// refusal, and anything else stops the run.
    static func writeFailure(_ error: any Error, createMayHaveBeenApplied: Bool = false) -> SendFailure {
        if let stopped = error as? StoppedWhileWaiting { return .notSent(stopped.description) }
        guard let error = error as? OnSchedError else { return .fatal("a worker failed: \(describe(error))") }
        if error.kind == .unauthorized && error.status == 401 { return .unauthorized(error.message) }
        if error.mayHaveBeenApplied && createMayHaveBeenApplied { return .mayHaveBeenApplied(error.message) }
        if error.kind == .http, let status = error.status, (400..<500).contains(status), ![401, 408, 429].contains(status) {
            return .refused(error.message)
        }
        return .fatal(describe(error))
    }

    /// Looks each row up by e-mail in its location: the ones found were created.
    static func lookUp(_ rows: [PlannedRow], ticket: Int, client: OnSchedClient) async -> ImportEvent {
        var found: [Int: AnsweredResource] = [:]
        do {
            for row in rows {
                guard let email = row.email else { continue }
                if let resource = try await client.findResources(email: email, locationId: row.payload.locationId).first {
                    found[row.row] = await withLink(ResourceOutcome(resource), returnURLs: row.returnURLs, client: client)
                }
            }
        } catch {
            return .sendFailed(ticket: ticket, .fatal("cannot look up creates whose answer was lost: \(describe(error))"))
        }
        return .lookedUp(ticket: ticket, found: found)
    }

    /// The resource with its authorization link: fetched when it has an unauthorized calendar and
    /// the answer carried none. A link that cannot be fetched is a warning on a row that succeeded.
    static func withLink(_ resource: ResourceOutcome, returnURLs: ReturnURLs, client: OnSchedClient) async -> AnsweredResource {
        var r = resource
        guard let (provider, calendarId, id) = linkToFetch(r) else { return AnsweredResource(r) }
        do {
            let fresh = try await client.authLink(resourceId: id, provider: provider, calendarId: calendarId, returnURLs: returnURLs)
            switch provider {
            case .google: r.googleCalendarAuthUrl = fresh
            case .outlook: r.outlookCalendarAuthUrl = fresh
            }
            return AnsweredResource(r)
        } catch let error as OnSchedError {
            return AnsweredResource(r, linkWarning: "warning: no authorization link: \(error.message)")
        } catch {
            return AnsweredResource(r, linkWarning: "warning: no authorization link: \(error)")
        }
    }

    /// The link ``withLink(_:returnURLs:client:)`` would fetch for `r`: its calendar's provider
    /// and id, and its own id, when it has an unauthorized calendar, no link, and an id; else nil.
    static func linkToFetch(_ r: borrowing ResourceOutcome) -> (OnSchedClient.CalendarProvider, String, String)? {
        let calendar: (OnSchedClient.CalendarProvider, String, Bool, String?)? =
            if let g = r.googleCalendarId, !g.isEmpty { (.google, g, r.googleCalendarAuthorized ?? false, r.googleCalendarAuthUrl) }
            else if let o = r.outlookCalendarId, !o.isEmpty { (.outlook, o, r.outlookCalendarAuthorized ?? false, r.outlookCalendarAuthUrl) }
            else { nil }
        guard let (provider, calendarId, authorized, link) = calendar, !authorized, link?.isEmpty ?? true,
              let id = r.id, !id.isEmpty
        else { return nil }
        return (provider, calendarId, id)
    }

    // MARK: - Words

    static func describe(_ error: any Error) -> String {
        if let e = error as? OnSchedError {
            switch e.kind {
            case .unauthorized: return "credentials rejected: \(e.message)"
            case .transport: return "the API is unreachable after retries: \(e.message)"
            default: return e.description
            }
        }
        if error is CancellationError { return "stopped" }
        return String(describing: error)
    }

    static func signalReason(_ stop: ImportStop) -> StopSignal.Reason {
        switch stop {
        case .interrupted: .interrupted
        case .api(let message), .input(let message): .failed(message)
        case .output(let path, let reason): .failed("\(path): \(reason)")
        }
    }
}
