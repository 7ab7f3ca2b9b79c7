import Foundation

/// Sends one chunk and turns the API's answer into row outcomes: the part of `import` that
/// decides what happened to each row.
///
/// - A chunk answered 400 (or another 4xx about the data) is split in halves until the bad rows
///   are isolated; those become `failed` with the API's message, the rest go through.
/// - A create whose answer was lost (`mayHaveBeenApplied`) is looked up by e-mail before anything
///   is sent again, so no resource is ever created twice.
/// - A row with a calendar whose answer carries no link gets one from the calendar/auth endpoint.
/// - Anything that makes going on pointless (credentials rejected, API unreachable after
///   retries, the journal unwritable) stops the run through `StopSignal`.
struct ChunkSender: Sendable {
    let client: OnSchedClient
    let journal: Journal?
    let stop: StopSignal
    /// How many times rows of one create may be looked up and re-sent before the run stops.
    let maxAmbiguousRounds = 5

    /// The outcomes of the chunk's rows that reached one; rows without an outcome (the run stopped)
    /// are left for `--resume`.
    ///
    /// With `verifyFirst` (creates an interrupted run may have made), the rows are looked up by
    /// e-mail first and only the ones not found are sent.
    func send(_ chunk: Chunk, verifyFirst: Bool = false) async -> [JournalRowOutcome] {
        var outcomes: [JournalRowOutcome] = []
        var work: [Chunk] = [chunk]
        var ambiguousRounds = 0
        if verifyFirst && chunk.kind == .create {
            do {
                let (found, resend) = try await lookUp(chunk)
                try record(found, chunk: chunk)
                outcomes += found
                work = []
                if !resend.isEmpty {
                    var again = chunk
                    again.rows = resend
                    work.append(again)
                }
            } catch {
                stop.stop(.failed(describe(error)))
                return outcomes
            }
        }
        while let next = work.popLast() {
            if stop.isStopped { break }
            do {
                outcomes += try await sendOnce(next)
            } catch let error as OnSchedError {
                if error.mayHaveBeenApplied && next.kind == .create {
                    ambiguousRounds += 1
                    guard ambiguousRounds <= maxAmbiguousRounds else {
                        stop.stop(.failed("creates kept failing without an answer (\(error.message)); run again with --resume"))
                        break
                    }
                    do {
                        let (found, resend) = try await lookUp(next)
                        try record(found, chunk: next)
                        outcomes += found
                        if !resend.isEmpty {
                            var again = next
                            again.rows = resend
                            work.append(again)
                        }
                    } catch {
                        stop.stop(.failed(describe(error)))
                        break
                    }
                } else if isRowProblem(error) {
                    if let (a, b) = ChunkSplitter().split(next) {
                        work.append(b)
                        work.append(a)
                    } else {
                        let row = next.rows[0]
                        let failed = JournalRowOutcome(row: row.row, status: .failed, message: Self.rowMessage(error.message))
                        do { try record([failed], chunk: next) } catch {
                            stop.stop(.failed(describe(error)))
                            break
                        }
                        outcomes.append(failed)
                    }
                } else {
                    stop.stop(.failed(describe(error)))
                    break
                }
            } catch {
                stop.stop(.failed(describe(error)))
                break
            }
        }
        return outcomes
    }

    /// The API's complaint about the single resource of a bulk call, without the position
    /// prefix of its field paths (`resources[0].Email: …` → `Email: …`, `resources[0]: …` → `…`):
    /// the position is in the call, not in the file, so in a report row it only misleads.
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

    /// A 4xx that is about the data (not 401/408/429, which the client handles).
    private func isRowProblem(_ error: OnSchedError) -> Bool {
        guard error.kind == .http, let status = error.status else { return false }
        return (400..<500).contains(status) && ![401, 408, 429].contains(status)
    }

    private func sendOnce(_ chunk: Chunk) async throws -> [JournalRowOutcome] {
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
        // Bulk items need name and e-mail; a row giving only an id takes the tenant's (issue 14).
        for i in payloads.indices where chunk.kind == .update && !payloads[i].hasIdentity {
            payloads[i] = payloads[i].withIdentity(of: try await client.getResource(id: payloads[i].id ?? ""))
        }
        let answer: [Resource]
        switch chunk.kind {
        case .create:
            try journal?.append(.intent(JournalIntent(chunk: chunk)))
            answer = try await client.bulkCreate(payloads, returnURLs: chunk.returnURLs)
        case .update:
            answer = try await client.bulkUpdate(payloads, returnURLs: chunk.returnURLs)
        }
        var outcomes: [JournalRowOutcome] = []
        for (i, row) in chunk.rows.enumerated() {
            let resource = Self.match(row, at: i, in: answer, chunkSize: chunk.rows.count)
            let status: JournalRowOutcome.Status = chunk.kind == .create ? .created : .updated
            guard let resource else {
                if chunk.kind == .create {
                    // Answered, but not about this row: find out by e-mail rather than guess.
                    let found = try await client.findResources(email: row.email ?? "", locationId: row.payload.locationId)
                    if let r = found.first {
                        outcomes.append(try await outcome(row, r, status: .created))
                        continue
                    }
                    outcomes.append(JournalRowOutcome(row: row.row, status: .failed,
                        message: "the API answered the create without this resource; nothing was created"))
                } else {
                    let id: String = if case let .update(id) = row.operation { id } else { "" }
                    outcomes.append(JournalRowOutcome(row: row.row, status: .updated, id: id,
                        message: "warning: the API's answer did not include this resource"))
                }
                continue
            }
            outcomes.append(try await outcome(row, resource, status: status))
        }
        try record(outcomes, chunk: chunk)
        return outcomes
    }

    /// The answer's resource for row `i`: by position when the answer has one per row and the
    /// e-mail agrees, else by e-mail (creates) or id (updates).
    static func match(_ row: PlannedRow, at i: Int, in answer: [Resource], chunkSize: Int) -> Resource? {
        func same(_ r: Resource) -> Bool {
            if case let .update(id) = row.operation { return r.id == id }
            guard let email = row.email else { return false }
            return PlannedRow.normalize(email: r.email) == email
        }
        if answer.count == chunkSize, i < answer.count {
            let r = answer[i]
            if same(r) || (r.email == nil && row.email == nil) { return r }
        }
        return answer.first(where: same)
    }

    /// Builds a row's outcome from the API's resource, fetching the authorization link when the
    /// resource has an unauthorized calendar and the answer carries no link.
    private func outcome(_ row: PlannedRow, _ r: Resource, status: JournalRowOutcome.Status) async throws -> JournalRowOutcome {
        var o = JournalRowOutcome(row: row.row, status: status, id: r.id, name: r.name, email: r.email)
        let google = r.googleCalendarId.flatMap { $0.isEmpty ? nil : $0 }
        let outlook = r.outlookCalendarId.flatMap { $0.isEmpty ? nil : $0 }
        o.calendarAvailability = r.calendarAvailability
        if let google {
            o.provider = "google"
            o.calendarId = google
            o.authorized = r.googleCalendarAuthorized ?? false
            o.authUrl = r.googleCalendarAuthUrl.flatMap { $0.isEmpty ? nil : $0 }
        } else if let outlook {
            o.provider = "outlook"
            o.calendarId = outlook
            o.authorized = r.outlookCalendarAuthorized ?? false
            o.authUrl = r.outlookCalendarAuthUrl.flatMap { $0.isEmpty ? nil : $0 }
        }
        if o.authorized == false, o.authUrl == nil, let id = r.id, let calendarId = o.calendarId,
           let provider = OnSchedClient.CalendarProvider(rawValue: o.provider ?? "") {
            do {
                o.authUrl = try await client.authLink(resourceId: id, provider: provider, calendarId: calendarId,
                                                      returnURLs: row.returnURLs)
            } catch let error as OnSchedError where error.kind == .http {
                o.message = "warning: no authorization link: \(error.message)"
            }
        }
        return o
    }

    /// Looks up every row of a create whose answer was lost: found ones were created; the rest
    /// must be sent again.
    private func lookUp(_ chunk: Chunk) async throws -> (found: [JournalRowOutcome], resend: [PlannedRow]) {
        var found: [JournalRowOutcome] = []
        var resend: [PlannedRow] = []
        for row in chunk.rows {
            guard let email = row.email else {
                resend.append(row)
                continue
            }
            let existing = try await client.findResources(email: email, locationId: row.payload.locationId)
            if let r = existing.first {
                found.append(try await outcome(row, r, status: .created))
            } else {
                resend.append(row)
            }
        }
        return (found, resend)
    }

    private func record(_ outcomes: [JournalRowOutcome], chunk: Chunk) throws {
        guard !outcomes.isEmpty else { return }
        try journal?.append(.done(JournalDone(chunk: chunk.label, rows: outcomes)))
    }

    private func describe(_ error: any Error) -> String {
        if let e = error as? OnSchedError {
            switch e.kind {
            case .unauthorized: return "credentials rejected: \(e.message)"
            case .transport: return "the API is unreachable after retries: \(e.message)"
            default: return e.message
            }
        }
        return "\(error)"
    }
}
