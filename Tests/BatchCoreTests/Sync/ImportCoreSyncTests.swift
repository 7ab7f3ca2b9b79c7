import Testing
@testable import BatchCore
@testable import BatchJobs
@testable import BatchModel
@testable import BatchReport
@testable import BatchRules
@testable import BatchSync

private typealias H = ImportCoreHarness

/// A row that gives `payload` (its e-mail the match key).
private func row(_ n: Int, _ payload: ResourcePayload, id: String? = nil) -> ImportRow {
    ImportRow(
        report: ReportRow(row: n, line: n + 1, status: .valid, id: id, name: payload.name, email: payload.email),
        raw: Array("row \(n)".utf8),
        disposition: .candidate(id: id, emailKey: payload.email.map(EmailAddress.key), payload: payload, returnURLs: ReturnURLs()))
}

private func resource(_ id: String, name: String, email: String, google: String? = nil) -> Resource {
    var r = Resource(id: id, name: name, email: email)
    r.googleCalendarId = google
    r.googleCalendarAuthorized = google == nil ? nil : true
    return r
}

/// A core whose tenant holds `tenant`, fed `rows`, then the end of the input.
func synced(_ tenant: [Resource], _ rows: [ImportRow], configure: (inout ImportCore.Configuration) -> Void = { _ in })
    -> ImportCoreHarness
{
    var configuration = ImportCore.Configuration()
    configure(&configuration)
    var h = ImportCoreHarness(configuration)
    _ = h.takeTenantLoad()
    var index = TenantIndex()
    for r in tenant { index.add(r) }
    h.send(.tenantRead(index))
    _ = h.takeRead()
    h.send(.rowsRead(rows))
    if h.takeRead() { h.send(.inputEnded) }
    return h
}

private func google(_ name: String, _ email: String, _ calendar: String) -> ResourcePayload {
    ResourcePayload(name: name, email: email, options: ResourceOptions(googleCalendarId: calendar))
}

@Suite struct ImportCoreSyncTests {
    @Test func rowsEqualToTheirResourcesAreUnchangedAndNothingIsSent() {
        let tenant = [resource("r1", name: "Ana", email: "ana@example.com", google: "ana@example.com"),
                      resource("r2", name: "Bo", email: "bo@example.com")]
        // The e-mail and calendar differ only in case: still the same.
        var h = synced(tenant, [row(1, google("Ana", "ANA@example.com", "Ana@Example.com")),
                                row(2, ResourcePayload(name: "Bo", email: "bo@example.com"))])
        #expect(h.nextSend() == nil)
        #expect(h.reported.map(\.status) == [.unchanged, .unchanged])
        #expect(h.reported.map(\.id) == ["r1", "r2"])
        #expect(h.reported[0].authorized == true && h.reported[0].provider == .google)
        #expect(h.outcome == ImportOutcome(counts: [.unchanged: 2], sentWrites: false))
    }

    @Test func changedRowsAreSentWithTheirChangesNamedAndNoUnchangedCalendarId() {
        let tenant = [resource("r1", name: "Ana", email: "ana@example.com", google: "ana@example.com"),
                      resource("r2", name: "Bo", email: "bo@example.com", google: "bo@example.com"),
                      resource("r3", name: "Cy", email: "cy@example.com")]
        var h = synced(tenant, [row(1, google("Ana Li", "ana@example.com", "ana@example.com")),
                                row(2, google("Bo", "bo@example.com", "bo2@example.com")),
                                row(3, ResourcePayload(name: "Cy", email: "cy@example.com"))])
        let sent = h.nextSend()!
        #expect(h.nextSend() == nil)
        #expect(sent.chunk.kind == .update)
        #expect(sent.chunk.rows.map(\.row) == [1, 2])
        // Row 1's calendar id is the resource's: it is not sent again. Row 2's changed: it is.
        #expect(sent.chunk.rows[0].payload.options?.googleCalendarId == nil)
        #expect(sent.chunk.rows[0].payload.name == "Ana Li")
        #expect(sent.chunk.rows[1].payload.options?.googleCalendarId == "bo2@example.com")
        h.answerAll(sent)
        #expect(h.reported.map(\.status) == [.updated, .updated, .unchanged])
        #expect(h.reported.map(\.changes) == ["name", "googleCalendarId", ""])
        #expect(h.outcome == ImportOutcome(counts: [.updated: 2, .unchanged: 1], sentWrites: true))
    }

    @Test func changedRowsShareOneBulkCallWhateverTheirCalendars() {
        let run = ReturnURLs(google: "https://example.com/g", outlook: "https://example.com/o")
        let tenant = [resource("r1", name: "Ana", email: "ana@example.com", google: "ana@gmail.com"),
                      resource("r2", name: "Bo", email: "bo@example.com"),
                      Resource(id: "r3", name: "Cy", email: "cy@example.com")]
        var outlookRow = row(3, ResourcePayload(name: "Cy Li", email: "cy@example.com", options: ResourceOptions(outlookCalendarId: "cy@outlook.com")))
        outlookRow.disposition = .candidate(id: nil, emailKey: "cy@example.com", payload: ResourcePayload(
            name: "Cy Li", email: "cy@example.com", options: ResourceOptions(outlookCalendarId: "cy@outlook.com")),
            returnURLs: ReturnURLs(outlook: "https://example.com/o"))
        var googleRow = row(1, google("Ana Li", "ana@example.com", "ana@gmail.com"))
        googleRow.disposition = .candidate(id: nil, emailKey: "ana@example.com", payload: google("Ana Li", "ana@example.com", "ana@gmail.com"),
                                           returnURLs: ReturnURLs(google: "https://example.com/g"))
        var h = synced(tenant, [googleRow, row(2, ResourcePayload(name: "Bo Li", email: "bo@example.com")), outlookRow]) {
            $0.runReturnURLs = run
        }
        let sent = h.nextSend()!
        #expect(h.nextSend() == nil, "one call")
        #expect(sent.chunk.rows.map(\.row) == [1, 2, 3])
        #expect(sent.chunk.returnURLs == run)
    }

    @Test func sendUnchangedSendsEveryMatchedRowWholly() {
        let tenant = [resource("r1", name: "Ana", email: "ana@example.com", google: "ana@example.com")]
        var h = synced(tenant, [row(1, google("Ana", "ana@example.com", "ana@example.com"))]) { $0.sendUnchanged = true }
        let sent = h.nextSend()!
        #expect(sent.chunk.rows[0].payload.options?.googleCalendarId == "ana@example.com")
        h.answerAll(sent)
        #expect(h.reported.map(\.status) == [.updated])
    }

    @Test func aDryRunShowsUnchangedAndWouldUpdateWithItsChanges() {
        let tenant = [resource("r1", name: "Ana", email: "ana@example.com"), resource("r2", name: "Bo", email: "bo@example.com")]
        var h = synced(tenant, [row(1, ResourcePayload(name: "Ana", email: "ana@example.com")),
                                row(2, ResourcePayload(name: "Bob", email: "bo@example.com", description: "ops")),
                                row(3, ResourcePayload(name: "Cy", email: "cy@example.com"))]) { $0.dryRun = true }
        #expect(h.nextSend() == nil)
        #expect(h.reported.map(\.status) == [.unchanged, .wouldUpdate, .wouldCreate])
        #expect(h.reported[1].changes == "name; description")
        #expect(h.outcome == ImportOutcome(counts: [.unchanged: 1, .wouldUpdate: 1, .wouldCreate: 1], sentWrites: false))
    }

    @Test func aRowWithAnIdIsComparedWithThatResource() {
        let tenant = [resource("r1", name: "Ana", email: "ana@example.com")]
        var h = synced(tenant, [row(1, ResourcePayload(name: "Ana", email: "ana@example.com"), id: "r1")])
        #expect(h.nextSend() == nil)
        #expect(h.reported.map(\.status) == [.unchanged])
    }

    @Test func aFailedUpdateNamesNoChanges() {
        let tenant = [resource("r1", name: "Ana", email: "ana@example.com")]
        var h = synced(tenant, [row(1, ResourcePayload(name: "Ana Li", email: "ana@example.com"))])
        let sent = h.nextSend()!
        h.send(.sendFailed(ticket: sent.ticket, .refused("resources[0].Name: too long")))
        #expect(h.reported.map(\.status) == [.failed])
        #expect(h.reported[0].changes == nil)
    }

    @Test func aProviderSwitchIsOneUpdateClearingTheOldCalendar() {
        var ana = resource("r1", name: "Ana", email: "ana@example.com", google: "ana@gmail.com")
        ana.calendarAvailability = 1
        let switched = ResourcePayload(name: "Ana", email: "ana@example.com", options: ResourceOptions(outlookCalendarId: "ana@outlook.com"))
        var h = synced([ana], [row(1, switched)])
        let sent = h.nextSend()!
        #expect(h.nextSend() == nil)
        #expect(sent.chunk.rows.map(\.row) == [1])
        #expect(sent.chunk.rows[0].payload.options == ResourceOptions(googleCalendarId: "", outlookCalendarId: "ana@outlook.com", calendarAvailability: 2))
        h.answerAll(sent)
        #expect(h.reported.map(\.status) == [.updated])
        #expect(h.reported[0].changes == "googleCalendarId; outlookCalendarId; calendarAvailability")
    }

    @Test func clearingAFieldTheResourceHasIsAChangeAndOneItLacksIsNot() {
        var bo = resource("r2", name: "Bo", email: "bo@example.com")
        bo.description = "temp"
        let tenant = [resource("r1", name: "Ana", email: "ana@example.com"), bo]
        var h = synced(tenant, [row(1, ResourcePayload(name: "Ana", email: "ana@example.com", description: "")),
                                row(2, ResourcePayload(name: "Bo", email: "bo@example.com", description: ""))])
        let sent = h.nextSend()!
        #expect(sent.chunk.rows.map(\.row) == [2])
        #expect(sent.chunk.rows[0].payload.description == "")
        h.answerAll(sent)
        #expect(h.reported.map(\.status) == [.unchanged, .updated])
        #expect(h.reported[1].changes == "description")
    }

    // MARK: - A stable key (--match-by customField3)

    private static func employee(_ id: String, name: String, email: String, key: String?) -> Resource {
        var r = Resource(id: id, name: name, email: email)
        if let key {
            var c = ResourceCustomFields()
            c[3] = key
            r.customFields = c
        }
        return r
    }

    private static func keyed(_ n: Int, name: String, email: String, key: String?) -> ImportRow {
        var p = ResourcePayload(name: name, email: email)
        if let key {
            var c = ResourceCustomFields()
            c[3] = key
            p.customFields = c
        }
        var r = row(n, p)
        r.key = key
        return r
    }

    @Test func aPersonWhoseEmailChangedIsUpdatedByTheKeyNotCreatedAgain() {
        let tenant = [Self.employee("r1", name: "Ana", email: "ana@old.example", key: "E-1"),
                      Self.employee("r2", name: "Bo", email: "bo@example.com", key: "E-2")]
        var h = synced(tenant, [Self.keyed(1, name: "Ana", email: "ana@new.example", key: "E-1"),
                                Self.keyed(2, name: "Bo", email: "bo@example.com", key: "E-2"),
                                Self.keyed(3, name: "Cy", email: "cy@example.com", key: "E-3")]) { $0.matchField = 3 }
        var operations: [Int: RowOperation] = [:]
        while let s = h.nextSend() {
            for r in s.chunk.rows { operations[r.row] = r.operation }
            h.answerAll(s)
        }
        #expect(operations == [1: .update(id: "r1"), 3: .create])
        #expect(h.reported.map(\.status) == [.updated, .unchanged, .created])
        #expect(h.reported[0].changes == "email")
    }

    @Test func aKeyIsTakenByItsFirstRowEvenAnInvalidOne() {
        var invalid = Self.keyed(1, name: "Alice", email: "alice@example.com", key: "E-7")
        invalid.disposition = .invalid
        invalid.report.status = .invalid
        var h = synced([], [invalid, Self.keyed(2, name: "Kenji", email: "kenji@example.com", key: "E-7"),
                            Self.keyed(3, name: "Bo", email: "bo@example.com", key: "E-8")]) { $0.matchField = 3 }
        let sent = h.nextSend()!
        #expect(sent.chunk.rows.map(\.row) == [3])
        h.answerAll(sent)
        #expect(h.reported.map(\.status) == [.invalid, .skipped, .created])
        #expect(h.reported[1].message.contains("customField3 as row 1"))
    }

    @Test func resourcesSharingAKeyAreReportedAndLeftAlone() {
        let tenant = [Self.employee("r1", name: "Ana", email: "ana@example.com", key: "E-1"),
                      Self.employee("r9", name: "Ana B", email: "ana.b@example.com", key: "E-1")]
        var h = synced(tenant, [Self.keyed(1, name: "Ana", email: "ana@example.com", key: "E-1"),
                                Self.keyed(2, name: "Nokey", email: "nokey@example.com", key: nil)]) { $0.matchField = 3 }
        #expect(h.nextSend() == nil)
        #expect(h.reported.map(\.status) == [.skipped, .failed])
        #expect(h.reported[0].message.contains("warning: 2 resources already have this customField3 (ids r1, r9)"), "\(h.reported[0].message)")
        #expect(h.reported[1].message.contains("customField3 is empty"))
        #expect(h.outcome?.sentWrites == false)
    }
}

/// Leavers (cli.md, Sync): resources no row matches, reported or deleted after the input rows.
@Suite struct ImportCoreMissingTests {
    static func person(_ id: String, _ name: String, key: String?) -> Resource {
        var r = Resource(id: id, name: name, email: "\(name.lowercased())@example.com")
        if let key {
            var c = ResourceCustomFields()
            c[3] = key
            r.customFields = c
        }
        return r
    }

    static func keyedRow(_ n: Int, _ name: String, key: String, invalid: Bool = false) -> ImportRow {
        var c = ResourceCustomFields()
        c[3] = key
        let p = ResourcePayload(name: name, email: "\(name.lowercased())@example.com", customFields: c)
        var r = ImportRow(report: ReportRow(row: n, line: n + 1, status: invalid ? .invalid : .valid, name: name, email: p.email),
                          raw: Array("\(name)".utf8),
                          disposition: invalid ? .invalid : .candidate(id: nil, emailKey: p.email, payload: p, returnURLs: ReturnURLs()))
        r.key = key
        return r
    }

    /// 20 keyed people E-1…E-20, plus a room and an unkeyed person.
    static let tenant: [Resource] = (1...20).map { person("r\($0)", "P\($0)", key: "E-\($0)") }
        + [person("room", "Room", key: nil), person("nokey", "Nokey", key: nil)]

    static func rows(_ keys: [Int], invalid: Set<Int> = []) -> [ImportRow] {
        keys.enumerated().map { i, k in keyedRow(i + 1, "P\(k)", key: "E-\(k)", invalid: invalid.contains(k)) }
    }

    @Test func missingResourcesAreReportedAfterTheInputRowsAndLeftAlone() {
        var h = synced(Self.tenant, Self.rows(Array(2...20))) { $0.matchField = 3; $0.missing = .report }
        #expect(h.nextSend() == nil)
        #expect(h.reported.count == 20)
        #expect(h.reported.prefix(19).allSatisfy { $0.status == .unchanged })
        let last = h.reported[19]
        #expect(last.status == .missing && last.row == 0 && last.line == 0 && last.id == "r1")
        #expect(!h.log.contains { if case .delete = $0 { true } else { false } })
        #expect(h.outcome == ImportOutcome(counts: [.unchanged: 19, .missing: 1], sentWrites: false))
    }

    @Test func leaversAreDeletedButRoomsAndUnkeyedPeopleAndInvalidRowsAreNot() {
        // Row for E-5 is invalid tonight: its person is still named by the input, not a leaver.
        var h = synced(Self.tenant, Self.rows(Array(2...20), invalid: [5])) { $0.matchField = 3; $0.missing = .delete }
        var deletes: [(Int, String)] = []
        while let action = h.takeOpen({ if case .delete = $0 { true } else { false } }) {
            if case let .delete(ticket, id) = action { deletes.append((ticket, id)) }
        }
        #expect(deletes.map(\.1) == ["r1"])
        #expect(h.outcome == nil, "the run waits for the delete")
        h.send(.deleted(ticket: deletes[0].0))
        let missingRows = h.reported.filter { $0.row == 0 }
        #expect(missingRows.map(\.status) == [.deleted])
        #expect(h.outcome == ImportOutcome(counts: [.unchanged: 18, .invalid: 1, .deleted: 1], sentWrites: true))
    }

    @Test func moreLeaversThanTheLimitDeletesNothingAndSaysWhy() {
        // The file cut to 60 %: 8 of 20 keyed people missing, the limit 5 % of 20 = 1.
        var h = synced(Self.tenant, Self.rows(Array(1...12))) { $0.matchField = 3; $0.missing = .delete }
        #expect(!h.log.contains { if case .delete = $0 { true } else { false } })
        let missingRows = h.reported.filter { $0.row == 0 }
        #expect(missingRows.count == 8)
        #expect(missingRows.allSatisfy { $0.status == .missing && $0.message.contains("8 of 20 managed resources are missing, more than the limit of 1") })
        #expect(h.outcome?.deletesRefused == 8)
        #expect(h.outcome?.allSucceeded == false)
        #expect(h.outcome?.sentWrites == false)
    }

    @Test func aDryRunShowsWouldDeleteWithinTheLimit() {
        var h = synced(Self.tenant, Self.rows(Array(2...20))) { $0.matchField = 3; $0.missing = .delete; $0.dryRun = true; $0.maxDeletes = .count(3) }
        #expect(h.reported.filter { $0.row == 0 }.map(\.status) == [.wouldDelete])
        #expect(h.outcome?.counts[.wouldDelete] == 1)
    }

    @Test func aFailedDeleteIsAFailedRowAndAStopedRunDeletesNoMore() {
        var h = synced(Self.tenant, Self.rows(Array(4...20))) { $0.matchField = 3; $0.missing = .delete; $0.maxDeletes = .count(5); $0.concurrency = 1 }
        guard case let .delete(t1, _)? = h.takeOpen({ if case .delete = $0 { true } else { false } }) else {
            Issue.record("no delete")
            return
        }
        h.send(.sendFailed(ticket: t1, .refused("Resource r1 not found")))
        guard case let .delete(t2, _)? = h.takeOpen({ if case .delete = $0 { true } else { false } }) else {
            Issue.record("no second delete")
            return
        }
        h.send(.sendFailed(ticket: t2, .fatal("the API is unreachable after retries")))
        #expect(h.takeOpen({ if case .delete = $0 { true } else { false } }) == nil)
        let missingRows = h.reported.filter { $0.row == 0 }
        #expect(missingRows.map(\.status) == [.failed, .failed, .missing])
        #expect(missingRows[2].message.contains("the run stopped"))
        #expect(h.outcome?.stop == .api("the API is unreachable after retries"))
    }

    @Test func underEmailMatchingEveryUnmatchedResourceIsReported() {
        let tenant = [Resource(id: "a", name: "Ana", email: "ana@example.com"), Resource(id: "b", name: "Bo", email: "bo@example.com")]
        var h = synced(tenant, [H.candidate(1, email: "ana@example.com")]) { $0.missing = .report }
        while let s = h.nextSend() { h.answerAll(s) }
        #expect(h.reported.map(\.status) == [.updated, .missing])
        #expect(h.reported[1].id == "b")
    }
}

/// Returning staff (cli.md, Sync): a row matching a deleted resource recovers it.
@Suite struct ImportCoreReturnerTests {
    static func index(live: [Resource], deleted: [Resource]) -> TenantIndex {
        var index = TenantIndex()
        for r in live { index.add(r) }
        for var r in deleted {
            r.deletedStatus = true
            index.addDeleted(r)
        }
        return index
    }

    static func start(_ index: TenantIndex, _ rows: [ImportRow], configure: (inout ImportCore.Configuration) -> Void = { _ in })
        -> ImportCoreHarness
    {
        var c = ImportCore.Configuration()
        configure(&c)
        var h = ImportCoreHarness(c)
        _ = h.takeTenantLoad()
        h.send(.tenantRead(index))
        _ = h.takeRead()
        h.send(.rowsRead(rows))
        if h.takeRead() { h.send(.inputEnded) }
        return h
    }


    @Test func aReturnerIsRecoveredThenUpdatedWhereItDiffers() {
        let gone = Resource(id: "old-7", name: "Kim", email: "kim@example.com")
        var h = Self.start(Self.index(live: [], deleted: [gone]), [H.candidate(1, email: "kim@example.com")])
        #expect(h.nextSend() == nil, "recovered before anything is sent")
        guard case let .recover(ticket, id, _)? = h.takeOpen({ if case .recover = $0 { true } else { false } }) else {
            Issue.record("no recover action: \(h.log)")
            return
        }
        #expect(id == "old-7")
        h.send(.recovered(ticket: ticket, Resource(id: "old-7", name: "Kim", email: "kim@example.com")))
        let sent = h.nextSend()!
        #expect(sent.chunk.kind == .update)
        #expect(sent.chunk.rows.map(\.operation) == [.update(id: "old-7")])
        h.answerAll(sent)
        #expect(h.reported.map(\.status) == [.recovered])
        #expect(h.reported[0].changes == "name")  // P1 instead of Kim
        #expect(h.creates(of: 1) == 0)
        #expect(h.outcome?.counts == [.recovered: 1])
    }

    @Test func aReturnerWithNothingChangedIsOnlyRecovered() {
        let gone = Resource(id: "old-1", name: "P1", email: "p1@example.com")
        var h = Self.start(Self.index(live: [], deleted: [gone]), [H.candidate(1)])
        guard case let .recover(ticket, _, _)? = h.takeOpen({ if case .recover = $0 { true } else { false } }) else {
            Issue.record("no recover action")
            return
        }
        h.send(.recovered(ticket: ticket, nil))
        #expect(h.nextSend() == nil)
        #expect(h.reported.map(\.status) == [.recovered])
        #expect(h.reported[0].id == "old-1")
        #expect(h.outcome == ImportOutcome(counts: [.recovered: 1], sentWrites: true))
    }

    @Test func aDryRunShowsWouldRecover() {
        let gone = Resource(id: "old-1", name: "P1", email: "p1@example.com")
        var h = Self.start(Self.index(live: [], deleted: [gone]), [H.candidate(1), H.candidate(2)]) { $0.dryRun = true }
        #expect(h.reported.map(\.status) == [.wouldRecover, .wouldCreate])
        #expect(!h.log.contains { if case .recover = $0 { true } else { false } })
    }

    @Test func aRefusedRecoveryFailsTheRowOnly() {
        let gone = Resource(id: "old-1", name: "P1", email: "p1@example.com")
        var h = Self.start(Self.index(live: [], deleted: [gone]), [H.candidate(1), H.candidate(2)])
        guard case let .recover(ticket, _, _)? = h.takeOpen({ if case .recover = $0 { true } else { false } }) else {
            Issue.record("no recover action")
            return
        }
        h.send(.sendFailed(ticket: ticket, .refused("Resource old-1 not found")))
        while let s = h.nextSend() { h.answerAll(s) }
        #expect(h.reported.map(\.status) == [.failed, .created])
        #expect(h.reported[0].message.contains("cannot recover"))
    }

    @Test func aLiveResourceWinsOverADeletedOne() {
        let live = Resource(id: "new", name: "P1", email: "p1@example.com")
        let gone = Resource(id: "old", name: "P1", email: "p1@example.com")
        var h = Self.start(Self.index(live: [live], deleted: [gone]), [H.candidate(1)])
        #expect(!h.log.contains { if case .recover = $0 { true } else { false } })
        #expect(h.reported.map(\.status) == [.unchanged])
    }
}
