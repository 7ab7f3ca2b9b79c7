import BatchModel
import BatchInput
import Foundation

/// ``ValidationPipeline`` for CSV input with rows kept in batch arenas (``RowArena``): reads,
/// validates and checks rows in batches, in input order, with the same checks, issues and
/// duplicates, but each row a plain value pointing into its batch's bytes from the reader to the
/// report (issue 17 point 2). `validate` uses it for CSV; `import` (which needs each row's
/// payload) and the other formats use ``ValidationPipeline``.
public final class ArenaValidationPipeline {
    public let source: CSVRecordSource
    private var validator: ResourceValidator
    private let hosting: HostingClassifier?
    private let policy: HostingPolicy
    private let batchSize: Int
    private var hostingOutcomes = HostingOutcomes()
    private var duplicates = DuplicateTracker()
    private let expectedBytes: Int?
    private var duplicatesSized = false
    private let readAhead: ArenaReadAhead?
    private var recent = RecentDomains()
    /// A spent batch kept for the next one (without read-ahead).
    private var spare = RowArena()
    private var hashes: [UInt64] = []
    /// How many rows repeat an earlier row's e-mail or id.
    public private(set) var duplicateCount = 0

    /// The parameters are ``ValidationPipeline``'s.
    public init(source: CSVRecordSource, options: ValidationOptions, hosting: HostingClassifier?, batchSize: Int = 1024,
                readAhead: Int = 0, expectedBytes: Int? = nil) {
        self.source = source
        self.expectedBytes = expectedBytes
        validator = ResourceValidator(options: options)
        self.hosting = options.hostingPolicy == .off ? nil : hosting
        policy = options.hostingPolicy
        self.batchSize = batchSize
        if readAhead > 0 {
            let ahead = ArenaReadAhead(capacity: readAhead, batchSize: batchSize)
            self.readAhead = ahead
            let reader = ArenaReadAhead.Reader(source: source, validator: validator)
            let thread = Thread { ahead.run(reader) }
            thread.name = "resource-batch read-ahead"
            thread.start()
        } else {
            self.readAhead = nil
        }
    }

    deinit {
        readAhead?.cancel()
    }

    /// Hands a batch from ``nextBatch()`` back once it is written out, to be filled again;
    /// `arena` is left empty.
    public func recycle(_ arena: inout RowArena) {
        var spent = RowArena()
        swap(&spent, &arena)
        if let readAhead {
            readAhead.giveBack(spent)
        } else {
            spent.removeAll()
            spare = spent
        }
    }

    /// Input bytes consumed by the rows handed out so far, for progress.
    public var bytesRead: Int { readAhead?.bytesRead ?? source.bytesRead }

    /// The next rows in input order, or `nil` at the end of the input.
    /// - Throws: `InputError` when the input cannot be read further.
    public func nextBatch() async throws -> RowArena? {
        var arena = RowArena()
        if let readAhead {
            var checked = 0
            guard let taken = try readAhead.take(checked: &checked) else { return nil }
            arena = taken
            if checked < arena.count {
                var local = validator // a local: no exclusivity check on the property per row
                local.check(&arena, rows: checked..<arena.count)
                validator = local
            }
        } else {
            swap(&arena, &spare)
            _ = try source.read(into: &arena, upTo: batchSize)
            if arena.count == 0 { return nil }
            var local = validator
            local.check(&arena, rows: 0..<arena.count)
            validator = local
        }
        Self.prepare(&arena, &recent, domains: hosting != nil)
        if let hosting { await checkHosting(&arena, hosting) }
        if !duplicatesSized { sizeDuplicates(arena) }
        claimDuplicates(&arena)
        arena.settleMessages() // the issues are final: each message made once, for report and errors file
        return arena
    }

    /// The duplicate keys' hashes and the calendar domain's code of each row (as
    /// ``ValidatedRow/prepareChecks(_:)``), read from the batch's bytes. The domain is looked up
    /// only when `domains` (the hosting step runs: nothing else reads its code).
    static func prepare(_ arena: inout RowArena, _ recent: inout RecentDomains, domains: Bool) {
        let bytes = arena.bytes // shared, not copied: the loop changes rows only
        let text = bytes.span
        // The rows changed in place through one mutable span: no uniqueness check or copy of a
        // row per access.
        var rows = arena.rows.mutableSpan
        for i in rows.indices {
            if let r = ArenaRow.range(rows[i].emailEntry) {
                rows[i].emailHash = DuplicateTracker.emailHash(utf8: text.extracting(r))
            }
            if let r = ArenaRow.range(rows[i].idEntry) { rows[i].idHash = DuplicateTracker.idHash(utf8: text.extracting(r)) }
            if domains, let r = ArenaRow.range(rows[i].calendarEntry) {
                rows[i].hostingDomain = recent.code(utf8: text.extracting(r))
            }
        }
    }

    /// Claims every row's keys in input order (``DuplicateTracker/claimAll(_:)-(RowArena)``).
    private func claimDuplicates(_ arena: inout RowArena) {
        hashes.removeAll(keepingCapacity: true)
        for i in 0..<arena.count {
            let r = arena.rows[i]
            hashes.append(r.emailHash != 0 ? r.emailHash : r.idHash)
        }
        _ = duplicates.touch(hashes)
        // On the property itself, in one access: a local copy would share the table's buffers
        // and copy them at the first claim.
        duplicateCount += duplicates.claimAll(&arena)
    }

    /// Sizes the duplicate table from the input once, after the first batch (as
    /// ``ValidationPipeline`` does).
    private func sizeDuplicates(_ arena: RowArena) {
        duplicatesSized = true
        guard let expectedBytes else { return }
        var keys = 0
        for i in 0..<arena.count {
            if arena.rows[i].emailHash != 0 { keys += 1 }
            if arena.rows[i].idHash != 0 { keys += 1 }
        }
        duplicates.reserve(keys: keys, seenIn: bytesRead, ofInput: expectedBytes)
    }

    /// ``ValidationPipeline``'s hosting step on a batch arena: the same lookups, verdicts and issues.
    private func checkHosting(_ arena: inout RowArena, _ hosting: HostingClassifier) async {
        await hostingOutcomes.classify(arena.rows.map(\.hostingDomain), names: recent.names, with: hosting)
        Self.addHostingIssues(&arena, &hostingOutcomes, policy)
    }

    /// The rows' hosting issues, with the outcomes borrowed once for the batch (not one dynamic
    /// exclusivity check of the property per row).
    private static func addHostingIssues(_ arena: inout RowArena, _ outcomes: inout HostingOutcomes, _ policy: HostingPolicy) {
        for i in 0..<arena.count {
            guard arena.rows[i].calendarIdIsValid, let provider = arena.rows[i].provider,
                  let issue = outcomes.issue(code: arena.rows[i].hostingDomain, provider: provider, policy: policy)
            else { continue }
            arena.appendIssue(i, issue)
        }
    }
}
