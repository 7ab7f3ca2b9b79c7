import Foundation

/// `import`: every valid row created or updated through bulk calls, exactly once, with a report.
///
/// The path of a row: validation (``ValidationPipeline``) → create or update, by id or by the
/// tenant's e-mails (``TenantIndex``) → chunks (``ChunkPlanner``) → a bounded queue → a fixed set
/// of workers (``ChunkSender``) → the journal → the report in input order (``ResultCollector``).
/// Rows finished by an earlier run (``Journal`` replay) are reported from the journal, never sent
/// again; creates that may have happened are looked up first.
public struct ImportJob: Sendable {
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

    /// The journal for `path`'s content and these options, and what an earlier run left in it.
    public func openJournal(inputPath: String) throws -> (Journal, JournalReplay)? {
        guard !options.dryRun, let path = options.journalPath else { return nil }
        let fingerprint = try InputFingerprint.compute(path: inputPath)
        let header = JournalHeader(
            input: fingerprint,
            options: JournalOptions(chunkSize: options.chunkSize, matchBy: options.matchBy.rawValue,
                                    locationId: validation.locationId, googleReturnUrl: validation.returnURLs.google,
                                    outlookReturnUrl: validation.returnURLs.outlook))
        return try Journal.open(path: path, header: header, resume: options.resume)
    }

    /// Runs the import. Input errors are thrown (exit 2); a stop (credentials, API unreachable,
    /// interrupt) ends with `summary.stoppedBecause` set and the journal kept for `--resume`.
    public func run(input: OpenedInput, hosting: HostingClassifier?, journal: (Journal, JournalReplay)?,
                    progress: ProgressHandler?) async throws -> JobSummary {
        let clock = ContinuousClock()
        let started = clock.now
        let replay = journal?.1
        let collector = try ResultCollector(
            command: options.dryRun ? "import --dry-run" : "import", reportPath: options.reportPath,
            reportFormat: options.reportFormat, excel: options.excel, errorsPath: options.errorsPath,
            layout: input.errorsLayout)

        // Matching needs the tenant's e-mails, read once; so do creates an earlier run may have made.
        var index = TenantIndex()
        let uncertain = Set(replay?.uncertainCreates.map(\.row) ?? [])
        if let client, options.matchBy == .email {
            do {
                index = try await TenantIndex.load(client: client, locationId: validation.locationId, stop: stop)
            } catch {
                // After an interrupt the first reason stays: this one is ignored.
                stop.stop(.failed("cannot read the tenant's resources: \(error)"))
            }
        }

        let queue = ChunkQueue(capacity: options.concurrency)
        let sender = client.map { ChunkSender(client: $0, journal: journal?.0, stop: stop) }
        let pipeline = ValidationPipeline(source: input.source, options: validation, hosting: hosting)
        let backlogLimit = max(10_000, 20 * options.chunkSize * options.concurrency)

        try await withThrowingTaskGroup(of: Void.self) { group in
            if let sender {
                for _ in 0..<options.concurrency {
                    group.addTask {
                        while let item = await queue.pop() {
                            let outcomes = await sender.send(item.chunk, verifyFirst: item.verifyFirst)
                            try await collector.complete(outcomes)
                        }
                    }
                }
            }
            var planner = ChunkPlanner(chunkSize: options.chunkSize)
            var lastProgress = clock.now
            do {
                while !stop.isStopped, let batch = try await pipeline.nextBatch() {
                    var finals: [(ReportRow, [UInt8]?)] = []
                    var pendings: [(ReportRow, [UInt8]?)] = []
                    var chunks: [Chunk] = []
                    var verify: [Chunk] = []
                    for row in batch {
                        let raw = row.record.raw
                        if row.issues.hasErrors {
                            finals.append((ReportRow(row, status: .invalid), raw))
                            continue
                        }
                        if row.duplicateOf != nil {
                            finals.append((ReportRow(row, status: .skipped), raw))
                            continue
                        }
                        if let done = replay?.finished[row.row] {
                            var r = ReportRow(row, status: .valid)
                            r.apply(done)
                            finals.append((r, raw))
                            continue
                        }
                        let decision = decide(row, index: index)
                        if case let .failure(problem) = decision {
                            finals.append((ReportRow(row, status: .failed, message: join(row.issues.reportMessage, problem.message)), raw))
                            continue
                        }
                        guard case let .success(operation) = decision else { continue }
                        if options.dryRun {
                            let status: RowStatus = operation == .create ? .wouldCreate : .wouldUpdate
                            var r = ReportRow(row, status: status)
                            if case let .update(id) = operation { r.id = id }
                            finals.append((r, raw))
                            continue
                        }
                        let planned = PlannedRow(row: row.row, line: row.line, operation: operation,
                                                 returnURLs: row.returnURLs, payload: row.payload, email: row.emailKey)
                        var decided = operation
                        if uncertain.contains(row.row), case .update = operation {
                            // The interrupted run's create happened (the tenant now has the e-mail): it was created.
                            decided = .create
                        }
                        if uncertain.contains(row.row), decided == .create {
                            // An earlier run may have created it: look it up before creating.
                            pendings.append((ReportRow(row, status: .valid), raw))
                            var p = planned
                            p.operation = .create
                            verify.append(Chunk(id: 0, part: [row.row], kind: .create, returnURLs: row.returnURLs, rows: [p]))
                            continue
                        }
                        pendings.append((ReportRow(row, status: .valid), raw))
                        chunks += planner.add(planned)
                    }
                    try await collector.addFinal(finals)
                    await collector.addPending(pendings)
                    for chunk in verify where !(await queue.push(chunk, verifyFirst: true)) { break }
                    if await collector.backlog > backlogLimit { chunks += planner.finish() }
                    for chunk in chunks where !(await queue.push(chunk)) { break }
                    if let progress, clock.now - lastProgress > .milliseconds(250) {
                        lastProgress = clock.now
                        progress(JobProgress(rowsDone: await collector.rowsDone, counts: await collector.statusCounts,
                                             bytesRead: input.bytesRead, totalBytes: input.size,
                                             elapsed: seconds(clock.now - started), rowsRead: batch.last?.row))
                    }
                }
                if !stop.isStopped {
                    for chunk in planner.finish() where !(await queue.push(chunk)) { break }
                }
            } catch {
                await queue.close(discard: true)
                try? await group.waitForAll()
                // Exit 2 means "nothing was sent"; when that is no longer true (a broken line on
                // standard input, which cannot be checked up front), the message must say so.
                if let inputError = error as? InputError, !options.dryRun {
                    let counts = await collector.statusCounts
                    let sent = [RowStatus.created, .updated, .failed].reduce(0) { $0 + (counts[$1] ?? 0) }
                    if sent > 0 { throw InputError.stoppedAfterSending(reason: inputError.description, rowsSent: sent) }
                }
                throw error
            }
            await queue.close(discard: stop.isStopped)
            try await group.waitForAll()
        }

        var summary = try await collector.close()
        if let client { summary.record(await client.stats) }
        summary.elapsedSeconds = seconds(clock.now - started)
        progress?(JobProgress(rowsDone: await collector.rowsDone, counts: await collector.statusCounts,
                              bytesRead: input.size ?? 0, totalBytes: input.size, elapsed: summary.elapsedSeconds))
        switch stop.current {
        case .interrupted?:
            summary.stoppedBecause = "interrupted; run again with --resume to finish"
            summary.exitCode = 130
        case let .failed(message)?:
            summary.stoppedBecause = message + (options.dryRun ? "" : "; run again with --resume to finish")
            summary.exitCode = 3
        case nil:
            summary.exitCode = summary.rowsExitCode
        }
        if let journal {
            journal.0.close()
            // A finished run needs no resume; removing the journal lets tomorrow's run start afresh.
            if stop.current == nil { try? FileManager.default.removeItem(atPath: journal.0.path) }
        }
        return summary
    }

    private func join(_ a: String, _ b: String) -> String { a.isEmpty ? b : a + "; " + b }

    /// Create or update: by the row's id, else by its e-mail among the tenant's resources.
    private func decide(_ row: ValidatedRow, index: TenantIndex) -> Result<RowOperation, DecisionError> {
        if let id = row.id { return .success(.update(id: id)) }
        guard options.matchBy == .email, let key = row.emailKey else { return .success(.create) }
        let ids = index.ids(forEmail: key)
        switch ids.count {
        case 0: return .success(.create)
        case 1: return .success(.update(id: ids[0]))
        default:
            return .failure(DecisionError(message: "\(ids.count) resources already have this e-mail (ids \(ids.joined(separator: ", "))); give the id column to choose one"))
        }
    }

    struct DecisionError: Error {
        var message: String
    }
}

extension Result where Failure == ImportJob.DecisionError {
    fileprivate static func failure(_ message: String) -> Self { .failure(ImportJob.DecisionError(message: message)) }
}
