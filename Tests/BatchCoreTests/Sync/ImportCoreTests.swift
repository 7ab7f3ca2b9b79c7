import Testing
@testable import BatchCore
@testable import BatchJobs
@testable import BatchJournal
@testable import BatchModel
@testable import BatchSync

private typealias H = ImportCoreHarness

/// A core that needs no tenant listing, fed `count` new rows at once, then the end of the input.
private func started(_ count: Int, chunkSize: Int = 100, concurrency: Int = 4, configure: (inout ImportCore.Configuration) -> Void = { _ in })
    -> ImportCoreHarness
{
    var configuration = ImportCore.Configuration(chunkSize: chunkSize, concurrency: concurrency, readTenant: false)
    configure(&configuration)
    var h = ImportCoreHarness(configuration)
    let took1 = h.takeRead()
    #expect(took1)
    h.send(.rowsRead((1...max(1, count)).prefix(count).map { H.candidate($0) }))
    if h.takeRead() { h.send(.inputEnded) }
    return h
}

@Suite struct ImportCoreTests {
    @Test func everyRowCreatedOnceAndReportedInInputOrder() {
        var h = started(250, chunkSize: 100)
        var sends: [(Int, Chunk)] = []
        while let s = h.nextSend() { sends.append(s) }
        #expect(sends.map(\.1.rows.count) == [100, 100, 50])
        // Answers arrive out of order; the report still follows the input.
        for s in sends.reversed() { h.answerAll((s.0, s.1)) }
        #expect(h.reported.map(\.row) == Array(1...250))
        #expect(h.reported.allSatisfy { $0.status == .created && $0.id == "id-\($0.row)" })
        #expect(h.outcome == ImportOutcome(counts: [.created: 250], sentWrites: true))
        #expect((1...250).allSatisfy { h.creates(of: $0) == 1 })
    }

    @Test func intentIsWrittenBeforeEveryCreateIsSent() {
        var h = started(3)
        let intentIndex = h.log.firstIndex { if case .writeIntent = $0 { true } else { false } }
        let sendIndex = h.log.firstIndex { if case .send = $0 { true } else { false } }
        #expect(intentIndex != nil && sendIndex != nil && intentIndex! < sendIndex!)
        _ = h.nextSend()
    }

    @Test func groupCommitFoldsWaitingChunksIntoOneIntentAndNeverSendsARowWithoutOne() {
        // Concurrency 1, 6 chunks of 2: the first chunk is dispatched, and (intentsAhead 3) the
        // rows of the next three waiting chunks go into its intent line; they are then sent
        // without intents of their own, and chunk 5 starts the next group.
        var h = started(12, chunkSize: 2, concurrency: 1) { $0.intentsAhead = 3 }
        var durable = Set<Int>()
        var intents: [[Int]] = []
        var sent: [[Int]] = []
        var index = 0
        while true {
            // Every action so far in order: an intent makes its rows durable before any later send.
            while index < h.log.count {
                switch h.log[index] {
                case .writeIntent(_, let intent):
                    intents.append(intent.rows)
                    durable.formUnion(intent.rows)
                case .send(_, let chunk):
                    #expect(chunk.rows.allSatisfy { durable.contains($0.row) }, "rows \(chunk.rows.map(\.row)) sent without a durable intent")
                default: break
                }
                index += 1
            }
            if h.takeRead() { h.send(.inputEnded) }
            guard let s = h.nextSend() else { break }
            sent.append(s.chunk.rows.map(\.row))
            h.answerAll(s)
        }
        #expect(intents == [[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12]])
        #expect(sent == [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]])
        #expect(h.reported.map(\.row) == Array(1...12))
        #expect(h.outcome == ImportOutcome(counts: [.created: 12], sentWrites: true))
    }

    @Test func groupCommitLeavesChunksTheDispatchLoopSendsNowToTheirOwnIntents() {
        // Concurrency 4 and 3 chunks: all three go out at once, each after its own intent (an
        // intent folded into another one would only be durable after that one's write, which
        // a send in the same batch of actions could overtake).
        var h = started(6, chunkSize: 2, concurrency: 4) { $0.intentsAhead = 4 }
        let intents = h.log.compactMap { action -> [Int]? in if case .writeIntent(_, let i) = action { i.rows } else { nil } }
        #expect(intents == [[1, 2], [3, 4], [5, 6]])
        while let s = h.nextSend() { h.answerAll(s) }
        #expect(h.outcome == ImportOutcome(counts: [.created: 6], sentWrites: true))
    }

    /// A stop leaves the chunks folded into a written intent unsent: the outcome names their rows
    /// (journaled as withdrawn, so a resume does not look each up), and no row that was sent.
    @Test func aStopNamesTheRowsWhoseIntentWentAheadButWhichWereNeverSent() {
        // Concurrency 1, chunks of 2, three ahead: intent [1–8]; chunk 1–2 is sent, then the stop.
        var h = started(12, chunkSize: 2, concurrency: 1) { $0.intentsAhead = 3 }
        let first = h.nextSend()!
        #expect(first.chunk.rows.map(\.row) == [1, 2])
        h.send(.stopRequested(.interrupted))
        #expect(h.nextSend() == nil, "nothing more goes out once stopped")
        h.answerAll(first)
        if h.takeRead() { h.send(.inputEnded) }
        #expect(h.outcome?.stop == .interrupted)
        #expect(h.outcome?.withdrawnRows == [3, 4, 5, 6, 7, 8])
        #expect((3...12).allSatisfy { h.creates(of: $0) == 0 })
        // A run that ends without a stop withdraws nothing.
        var whole = started(12, chunkSize: 2, concurrency: 1) { $0.intentsAhead = 3 }
        while true {
            if whole.takeRead() { whole.send(.inputEnded) }
            guard let s = whole.nextSend() else { break }
            whole.answerAll(s)
        }
        #expect(whole.outcome == ImportOutcome(counts: [.created: 12], sentWrites: true))
    }

    /// A create the stop caught waiting for the rate limit never went out: it goes back to the
    /// queue unsent, so its rows are withdrawn with the ones folded ahead of it, not left uncertain.
    @Test func aCreateStoppedBeforeItWentOutIsWithdrawnToo() {
        var h = started(8, chunkSize: 2, concurrency: 2) { $0.intentsAhead = 1 }
        let a = h.nextSend()!, b = h.nextSend()!
        h.send(.stopRequested(.interrupted))
        h.answerAll(a)
        h.send(.sendFailed(ticket: b.ticket, .notSent("the run is stopping: a request waiting for the rate limit was not sent")))
        if h.takeRead() { h.send(.inputEnded) }
        #expect(h.outcome?.stop == .interrupted)
        let withdrawn = Set(h.outcome?.withdrawnRows ?? [])
        #expect(withdrawn.isSuperset(of: b.chunk.rows.map(\.row)))
        #expect(withdrawn.isDisjoint(with: a.chunk.rows.map(\.row)), "answered: done, not withdrawn")
        #expect(h.reported.filter { $0.status == .created }.map(\.row) == a.chunk.rows.map(\.row))
    }

    @Test func aFailedGroupIntentSendsNoneOfItsChunks() {
        // Chunks of 2, concurrency 1, one chunk ahead: intents [1–4] and [5–8]. The second one
        // fails: rows 5–8 are never sent (chunk 7–8 was folded into it), the run stops.
        var h = started(8, chunkSize: 2, concurrency: 1) { $0.intentsAhead = 1 }
        let first = h.nextSend()!
        #expect(first.chunk.rows.map(\.row) == [1, 2])
        h.answerAll(first)
        let second = h.nextSend()!
        #expect(second.chunk.rows.map(\.row) == [3, 4], "sent on the strength of the first intent")
        h.failIntents = true
        h.answerAll(second)
        if h.takeRead() { h.send(.inputEnded) }
        #expect(h.nextSend() == nil)
        #expect((5...8).allSatisfy { h.creates(of: $0) == 0 })
        #expect(h.outcome?.stop == .output(path: "j.journal", reason: "No space left on device"))
    }

    /// Two writes go out with a renewed token; the first is refused while the second is
    /// unanswered. The verdict waits for the second: accepted, the token was only worn (renewed
    /// again, the run goes on); refused too, the credentials are rejected.
    @Test(arguments: [true, false])
    func aRefusalOfARenewedTokenWaitsForItsOtherWritesBeforeTheVerdict(secondAccepted: Bool) {
        var h = started(4, chunkSize: 2, concurrency: 2)
        let a = h.nextSend()!, b = h.nextSend()!
        h.send(.sendFailed(ticket: a.ticket, .unauthorized("denied")))
        h.send(.sendFailed(ticket: b.ticket, .unauthorized("denied")))
        #expect(h.takeOpen { $0 == .refreshCredentials } != nil)
        h.send(.credentialsRefreshed)
        let a2 = h.nextSend()!, b2 = h.nextSend()!
        h.send(.sendFailed(ticket: a2.ticket, .unauthorized("denied")))
        #expect(h.outcome == nil, "no verdict while a write with the renewed token is unanswered")
        #expect(h.takeOpen { $0 == .refreshCredentials } == nil)
        #expect(h.nextSend() == nil, "nothing is sent meanwhile")
        if secondAccepted {
            h.answerAll(b2)
            #expect(h.takeOpen { $0 == .refreshCredentials } != nil, "the token was worn, not rejected")
            h.send(.credentialsRefreshed)
            let a3 = h.nextSend()!
            #expect(a3.chunk.rows.map(\.row) == a2.chunk.rows.map(\.row), "the refused chunk goes again")
            h.answerAll(a3)
            #expect(h.outcome == ImportOutcome(counts: [.created: 4], sentWrites: true))
        } else {
            h.send(.sendFailed(ticket: b2.ticket, .unauthorized("denied")))
            #expect(h.outcome?.stop == .api("credentials rejected: the API refused a freshly issued token (denied)"))
            #expect(h.takeOpen { $0 == .refreshCredentials } == nil)
        }
        #expect((1...4).allSatisfy { h.creates(of: $0) <= 3 })
    }

    @Test func answerLostAfterCommitIsLookedUpNotCreatedAgain() {
        var h = started(3)
        let sent = h.nextSend()!
        h.send(.sendFailed(ticket: sent.ticket, .mayHaveBeenApplied("connection reset after the request was sent")))
        let lookup = h.nextLookUp()!
        #expect(lookup.rows.map(\.row) == [1, 2, 3])
        #expect(h.nextSend() == nil)
        // The API had made rows 1 and 3; row 2 never happened and is sent again, alone.
        h.send(.lookedUp(ticket: lookup.ticket, found: [1: H.resource(for: lookup.rows[0]), 3: H.resource(for: lookup.rows[2])]))
        let again = h.nextSend()!
        #expect(again.chunk.rows.map(\.row) == [2])
        h.answerAll(again)
        #expect(h.reported.map(\.status) == [.created, .created, .created])
        #expect(h.creates(of: 1) == 1 && h.creates(of: 2) == 2 && h.creates(of: 3) == 1)
        #expect(h.outcome?.stop == nil)
    }

    @Test func aLookUpThatFailsStopsTheRunInsteadOfWaitingForever() {
        var h = started(3)
        let sent = h.nextSend()!
        h.send(.sendFailed(ticket: sent.ticket, .mayHaveBeenApplied("connection reset")))
        let lookup = h.nextLookUp()!
        h.send(.sendFailed(ticket: lookup.ticket, .fatal("cannot look up creates whose answer was lost: connection refused")))
        #expect(h.outcome?.stop == .api("cannot look up creates whose answer was lost: connection refused"))
        #expect(h.nextSend() == nil)
        #expect(h.creates(of: 1) == 1)
    }

    @Test func answersThatKeepGettingLostStopTheRun() {
        var h = started(1) { $0.maxAmbiguousRounds = 2 }
        for _ in 0..<3 {
            guard let sent = h.nextSend() else { break }
            h.send(.sendFailed(ticket: sent.ticket, .mayHaveBeenApplied("time-out")))
            if let lookup = h.nextLookUp() { h.send(.lookedUp(ticket: lookup.ticket, found: [:])) }
        }
        guard case .api(let message)? = h.outcome?.stop else {
            Issue.record("expected an API stop, got \(String(describing: h.outcome))")
            return
        }
        #expect(message.contains("without an answer"))
        #expect(h.outcome?.sentWrites == true)
    }

    @Test func aRefusedChunkIsSplitUntilTheBadRowIsAlone() {
        var h = started(100)
        var calls = 0
        while let sent = h.nextSend() {
            calls += 1
            if sent.chunk.rows.contains(where: { $0.row == 37 }) {
                h.send(.sendFailed(ticket: sent.ticket, .refused("resources[0].Email: The Email field is not valid.")))
            } else {
                h.answerAll(sent)
            }
        }
        #expect(h.reported.count == 100)
        #expect(h.reported.filter { $0.status == .created }.count == 99)
        let bad = h.reported[36]
        #expect(bad.status == .failed && bad.message == "Email: The Email field is not valid.")
        #expect(calls <= 1 + 2 * 7)
        #expect(h.outcome == ImportOutcome(counts: [.created: 99, .failed: 1], sentWrites: true))
    }

    @Test func aThrottlingStormThatOutlastsRetriesStopsTheRunAfterTheRequestsInFlight() {
        var h = started(400, concurrency: 2)
        let first = h.nextSend()!
        let second = h.nextSend()!
        #expect(h.nextSend() == nil)  // two workers, two tickets
        h.send(.sendFailed(ticket: first.ticket, .fatal("the API is unreachable after retries: HTTP 429")))
        #expect(h.open.isEmpty)  // nothing new is handed out
        #expect(h.outcome == nil)  // the second request is still in flight
        h.answerAll(second)
        #expect(h.outcome?.stop == .api("the API is unreachable after retries: HTTP 429"))
        #expect(h.outcome?.counts == [.created: 100])
        #expect(h.reported.isEmpty == false)
    }

    @Test func aStopMidChunkCountsTheAnswersThatArriveAfterIt() {
        var h = started(300, concurrency: 3)
        let a = h.nextSend()!, b = h.nextSend()!, c = h.nextSend()!
        h.answerAll(a)
        h.send(.stopRequested(.interrupted))
        #expect(h.nextSend() == nil)
        h.answerAll(c)
        #expect(h.outcome == nil)
        h.answerAll(b)
        #expect(h.outcome == ImportOutcome(counts: [.created: 300], sentWrites: true, stop: .interrupted))
        #expect(h.reported.count == 300)
    }

    @Test func aStopLeavesUnsentRowsUnreportedForResume() {
        var h = started(300, concurrency: 1)
        let a = h.nextSend()!
        h.send(.stopRequested(.interrupted))
        h.answerAll(a)
        #expect(h.outcome == ImportOutcome(counts: [.created: 100], sentWrites: true, stop: .interrupted))
        #expect(h.reported.map(\.row) == Array(1...100))
    }

    @Test func aJournalWriteThatFailsBeforeTheFirstSendMeansNothingWasSent() {
        var h = ImportCoreHarness(ImportCore.Configuration(readTenant: false))
        h.failIntents = true
        let took2 = h.takeRead()
        #expect(took2)
        h.send(.rowsRead([H.candidate(1)]))
        if h.takeRead() { h.send(.inputEnded) }
        #expect(h.nextSend() == nil)
        #expect(h.outcome == ImportOutcome(counts: [:], sentWrites: false, stop: .output(path: "j.journal", reason: "No space left on device")))
    }

    @Test func aJournalWriteThatFailsAfterAnAnswerStopsWithoutClaimingTheRows() {
        var h = started(2)
        h.failRecords = true
        let sent = h.nextSend()!
        h.answerAll(sent)
        #expect(h.outcome?.stop == .output(path: "j.journal", reason: "No space left on device"))
        #expect(h.outcome?.sentWrites == true)
        #expect(h.reported.isEmpty)  // the journal comes before the report's claims
    }

    @Test func aReportWriteThatFailsStopsTheRunAndWritesNoMore() {
        var h = ImportCoreHarness(ImportCore.Configuration(readTenant: false))
        let took3 = h.takeRead()
        #expect(took3)
        var invalid = H.candidate(1)
        invalid.disposition = .invalid
        h.failReport = true
        h.send(.rowsRead([invalid, H.candidate(2)]))
        // The read the core asked for before the failure is still answered; then the run ends.
        if h.takeRead() { h.send(.rowsRead([H.candidate(3)])) }
        #expect(h.outcome?.stop == .output(path: "r.csv", reason: "No space left on device"))
        #expect(h.outcome?.sentWrites == false)
        #expect(h.log.filter { if case .writeReport = $0 { true } else { false } }.count == 1)
    }

    @Test func aWorkerThatDiesIsAnEventAndTheRunEnds() {
        var h = started(150, concurrency: 4)
        let a = h.nextSend()!, b = h.nextSend()!
        h.send(.sendFailed(ticket: a.ticket, .fatal("a worker failed: signal")))
        h.answerAll(b)
        #expect(h.outcome?.stop == .api("a worker failed: signal"))
        #expect(h.open.isEmpty)
    }

    @Test func anInputThatBreaksBeforeAnySendIsAnInputStopWithNothingSent() {
        var h = ImportCoreHarness(ImportCore.Configuration(readTenant: false))
        let took4 = h.takeRead()
        #expect(took4)
        h.send(.inputFailed("standard input, line 7: unterminated quote"))
        #expect(h.outcome == ImportOutcome(sentWrites: false, stop: .input("standard input, line 7: unterminated quote")))
    }

    @Test func rowsAreMatchedByIdOrByTheTenantsEmails() {
        var h = ImportCoreHarness(ImportCore.Configuration())
        let took5 = h.takeTenantLoad()
        #expect(took5)
        let took6 = h.takeRead()
        #expect(!took6)  // rows wait for the tenant
        var index = TenantIndex()
        index.add(Resource(id: "r-2", email: "p2@example.com"))
        index.add(Resource(id: "r-3a", email: "p3@example.com"))
        index.add(Resource(id: "r-3b", email: "P3@example.com"))
        h.send(.tenantRead(index))
        let took7 = h.takeRead()
        #expect(took7)
        h.send(.rowsRead([H.candidate(1), H.candidate(2), H.candidate(3), H.candidate(4, id: "r-9")]))
        if h.takeRead() { h.send(.inputEnded) }
        var kinds: [Int: RowOperation] = [:]
        while let s = h.nextSend() {
            for row in s.chunk.rows { kinds[row.row] = row.operation }
            h.answerAll(s)
        }
        #expect(kinds == [1: .create, 2: .update(id: "r-2"), 4: .update(id: "r-9")])
        #expect(h.reported.map(\.status) == [.created, .updated, .skipped, .updated])
        #expect(h.reported[2].message.contains("warning: 2 resources already have this e-mail"))
    }

    @Test func aTenantThatCannotBeReadStopsBeforeAnythingIsSent() {
        var h = ImportCoreHarness(ImportCore.Configuration())
        let took8 = h.takeTenantLoad()
        #expect(took8)
        h.send(.tenantFailed("credentials rejected: invalid_client"))
        #expect(h.outcome == ImportOutcome(sentWrites: false, stop: .api("cannot read the tenant's resources: credentials rejected: invalid_client")))
    }

    @Test func aDryRunSendsNothing() {
        var h = started(3) { $0.dryRun = true }
        #expect(h.nextSend() == nil)
        #expect(h.reported.map(\.status) == [.wouldCreate, .wouldCreate, .wouldCreate])
        #expect(h.outcome == ImportOutcome(counts: [.wouldCreate: 3], sentWrites: false))
    }

    @Test func aBulkAnswerWithoutIdsIsTreatedAsLostAndLookedUp() {
        var h = started(2)
        let sent = h.nextSend()!
        let noIds = sent.chunk.rows.map { row -> AnsweredResource in
            var r = H.resource(for: row)
            r.resource.id = nil
            return r
        }
        h.send(.answered(ticket: sent.ticket, noIds))
        let lookup = h.nextLookUp()!
        #expect(lookup.rows.map(\.row) == [1, 2])
        h.send(.lookedUp(ticket: lookup.ticket, found: [1: H.resource(for: lookup.rows[0]), 2: H.resource(for: lookup.rows[1])]))
        #expect(h.reported.map(\.status) == [.created, .created])
        #expect(h.reported.allSatisfy { !($0.id ?? "").isEmpty })
        #expect(h.creates(of: 1) == 1)
    }

    @Test func anAPIThatNeverSaysWhatItCreatedStopsTheRunInsteadOfLooping() {
        var h = started(1) { $0.maxAmbiguousRounds = 3 }
        var sends = 0
        while let sent = h.nextSend() {
            sends += 1
            var r = H.resource(for: sent.chunk.rows[0])
            r.resource.id = nil
            h.send(.answered(ticket: sent.ticket, [r]))
            if let lookup = h.nextLookUp() { h.send(.lookedUp(ticket: lookup.ticket, found: [:])) }
            if sends > 10 { break }
        }
        #expect(sends == 4, "the first create and one re-send per round")
        guard case .api(let message)? = h.outcome?.stop else {
            Issue.record("expected an API stop, got \(String(describing: h.outcome))")
            return
        }
        #expect(message.contains("without the resources it made"))
        #expect(h.reported.isEmpty, "never reported created without an id")
    }

    // MARK: - Resume from every journal state

    @Test func resumeReportsFinishedRowsWithoutSendingThem() {
        let done = JournalRowOutcome(row: 1, status: .created, id: "id-1", authUrl: "https://accounts.example/1")
        var h = started(2) { $0.finished = [1: done] }
        let sent = h.nextSend()!
        #expect(sent.chunk.rows.map(\.row) == [2])
        h.answerAll(sent)
        #expect(h.reported.map(\.status) == [.created, .created])
        #expect(h.reported[0].authUrl == "https://accounts.example/1")
        #expect(h.creates(of: 1) == 0)
    }

    @Test func resumeLooksUpAnIntentWithoutOutcomeBeforeCreating() {
        var h = started(2) { $0.uncertainCreates = [1, 2] }
        #expect(h.nextSend() == nil)
        var lookups: [(Int, [PlannedRow])] = []
        while let l = h.nextLookUp() { lookups.append(l) }
        #expect(lookups.flatMap(\.1).map(\.row).sorted() == [1, 2])
        for (ticket, rows) in lookups {
            // Row 1 was made before the crash; row 2 was not.
            h.send(.lookedUp(ticket: ticket, found: rows[0].row == 1 ? [1: H.resource(for: rows[0])] : [:]))
        }
        let again = h.nextSend()!
        #expect(again.chunk.rows.map(\.row) == [2])
        h.answerAll(again)
        #expect(h.reported.map(\.status) == [.created, .created])
        #expect(h.creates(of: 1) == 0 && h.creates(of: 2) == 1)
    }

    @Test func resumeOfAFinishedJournalSendsNothing() {
        let outcomes = [1: JournalRowOutcome(row: 1, status: .created, id: "a"), 2: JournalRowOutcome(row: 2, status: .updated, id: "b")]
        var h = started(2) { $0.finished = outcomes }
        #expect(h.nextSend() == nil)
        #expect(h.outcome == ImportOutcome(counts: [.created: 1, .updated: 1], sentWrites: false))
    }

    @Test func readingWaitsWhileChunksQueueUp() {
        var h = ImportCoreHarness(ImportCore.Configuration(chunkSize: 1, concurrency: 1, readTenant: false))
        let took9 = h.takeRead()
        #expect(took9)
        h.send(.rowsRead((1...5).map { H.candidate($0) }))
        let took10 = h.takeRead()
        #expect(!took10)  // four chunks wait for one worker: no more reading
        while let s = h.nextSend() {
            h.answerAll(s)
            if h.takeRead() { h.send(.inputEnded) }
        }
        #expect(h.outcome == ImportOutcome(counts: [.created: 5], sentWrites: true))
    }

    // MARK: - The 401 refresh

    @Test func aRefusedTokenIsRenewedOnceForEveryWorkerAndTheChunksGoAgain() {
        var h = started(300, concurrency: 3)
        let a = h.nextSend()!, b = h.nextSend()!, c = h.nextSend()!
        let intents = h.log.filter { if case .writeIntent = $0 { true } else { false } }.count
        // The token expired under all three workers.
        h.send(.sendFailed(ticket: a.ticket, .unauthorized("401 Unauthorized")))
        #expect(h.takeOpen { $0 == .refreshCredentials } != nil)
        h.send(.sendFailed(ticket: b.ticket, .unauthorized("401 Unauthorized")))
        h.send(.sendFailed(ticket: c.ticket, .unauthorized("401 Unauthorized")))
        #expect(h.takeOpen { $0 == .refreshCredentials } == nil)  // one renewal for all
        #expect(h.nextSend() == nil)  // nothing is sent while the token is renewed
        h.send(.credentialsRefreshed)
        var again: [(ticket: Int, chunk: Chunk)] = []
        while let s = h.nextSend() { again.append(s) }
        #expect(Set(again.map { $0.chunk.rows[0].row }) == [1, 101, 201])
        // A 401 applied nothing, and the intents are already durable: no second intent line.
        #expect(h.log.filter { if case .writeIntent = $0 { true } else { false } }.count == intents)
        for s in again { h.answerAll(s) }
        #expect(h.outcome == ImportOutcome(counts: [.created: 300], sentWrites: true))
        #expect(h.reported.map(\.row) == Array(1...300))
    }

    @Test func aChunkSentWithTheOldTokenAfterTheRenewalGoesAgainWithoutAnotherRenewal() {
        var h = started(200, concurrency: 2)
        let a = h.nextSend()!, b = h.nextSend()!
        h.send(.sendFailed(ticket: a.ticket, .unauthorized("401")))
        #expect(h.takeOpen { $0 == .refreshCredentials } != nil)
        h.send(.credentialsRefreshed)
        let a2 = h.nextSend()!
        // b was sent before the renewal: its 401 is the old token's, not a reason to renew again.
        h.send(.sendFailed(ticket: b.ticket, .unauthorized("401")))
        #expect(h.takeOpen { $0 == .refreshCredentials } == nil)
        let b2 = h.nextSend()!
        h.answerAll(a2)
        h.answerAll(b2)
        #expect(h.outcome == ImportOutcome(counts: [.created: 200], sentWrites: true))
    }

    @Test func aFreshTokenRefusedAgainStopsTheRunAsRejectedCredentials() {
        var h = started(100)
        let a = h.nextSend()!
        h.send(.sendFailed(ticket: a.ticket, .unauthorized("401 Unauthorized")))
        #expect(h.takeOpen { $0 == .refreshCredentials } != nil)
        h.send(.credentialsRefreshed)
        let a2 = h.nextSend()!
        h.send(.sendFailed(ticket: a2.ticket, .unauthorized("401 Unauthorized")))
        #expect(h.takeOpen { $0 == .refreshCredentials } == nil)
        #expect(h.outcome?.stop == .api("credentials rejected: the API refused a freshly issued token (401 Unauthorized)"))
        #expect(h.outcome?.sentWrites == true)
        #expect(h.reported.isEmpty)  // the rows stay unfinished, for resume
    }

    @Test func aTokenEndpointThatRefusesTheRenewalStopsTheRunAfterTheWorkInFlight() {
        var h = started(200, concurrency: 2)
        let a = h.nextSend()!, b = h.nextSend()!
        h.send(.sendFailed(ticket: a.ticket, .unauthorized("401")))
        #expect(h.takeOpen { $0 == .refreshCredentials } != nil)
        h.send(.credentialsRefreshFailed("credentials rejected: invalid_client"))
        #expect(h.outcome == nil)  // b is still in flight
        h.answerAll(b)
        #expect(h.outcome?.stop == .api("credentials rejected: invalid_client"))
        #expect(h.outcome?.counts == [.created: 100])
    }

    @Test func renewalsAreCountedFromTheLastAcceptedWrite() {
        var h = started(300, concurrency: 1)
        for _ in 0..<3 {
            // An hour-long run: each token expires once, is renewed, and the chunk then succeeds.
            let s = h.nextSend()!
            h.send(.sendFailed(ticket: s.ticket, .unauthorized("401")))
            #expect(h.takeOpen { $0 == .refreshCredentials } != nil)
            h.send(.credentialsRefreshed)
            h.answerAll(h.nextSend()!)
            if h.takeRead() { h.send(.inputEnded) }
        }
        #expect(h.outcome == ImportOutcome(counts: [.created: 300], sentWrites: true))
    }
}
