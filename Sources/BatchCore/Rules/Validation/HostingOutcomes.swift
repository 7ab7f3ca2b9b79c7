import BatchModel

/// The hosting step's memory across batches, shared by ``ValidationPipeline`` and
/// ``ArenaValidationPipeline``: each calendar domain's verdict, by its ``RecentDomains`` code,
/// and what that verdict means for a row of each provider (per row an array index: no `String`
/// hashed, compared or retained).
struct HostingOutcomes {
    private var verdicts: [HostingVerdict?] = []
    /// Slot `2 * code` for a Google calendar id, `2 * code + 1` for an Outlook one.
    private var outcomes: [HostingCheckOutcome?] = []
    /// Per code, whether `verdicts` holds its verdict; per slot, 0 (not worked out yet), 1 (`.ok`)
    /// or 2 (an issue). Plain bytes, so the per-row tests copy no enum holding a `String` (a
    /// retain and release each).
    private var classified: [Bool] = []
    private var outcomeKinds: [UInt8] = []

    /// Classifies, concurrently and once each, the domains among `codes` (negative: none) that no
    /// earlier batch asked about; `names[code]` is a domain's name.
    mutating func classify(_ codes: [Int32], names: [String], with hosting: HostingClassifier) async {
        if verdicts.count < names.count {
            classified.append(contentsOf: repeatElement(false, count: names.count - verdicts.count))
            verdicts.append(contentsOf: repeatElement(nil, count: names.count - verdicts.count))
            outcomeKinds.append(contentsOf: repeatElement(0, count: 2 * names.count - outcomes.count))
            outcomes.append(contentsOf: repeatElement(nil, count: 2 * names.count - outcomes.count))
        }
        // The domains not classified yet, each once, in the order first named.
        var unknown: [Int32] = []
        var asked = Set<Int32>()
        for code in codes where code >= 0 && !classified[Int(code)] {
            if asked.insert(code).inserted { unknown.append(code) }
        }
        guard !unknown.isEmpty else { return }
        let found = await withTaskGroup(of: (Int32, HostingVerdict).self) { group in
            for code in unknown {
                group.addTask { (code, await hosting.classify(domain: names[Int(code)])) }
            }
            var out: [(Int32, HostingVerdict)] = []
            for await pair in group { out.append(pair) }
            return out
        }
        for (code, verdict) in found {
            verdicts[Int(code)] = verdict
            classified[Int(code)] = true
        }
    }

    /// The issue the hosting rule finds with a valid calendar id of `provider` on the domain
    /// `code` (negative: none), or nil when there is none or the domain is not classified.
    /// Inlined up to the usual answer (`.ok` already worked out): a row costs no call.
    @inline(__always)
    mutating func issue(code: Int32, provider: CalendarProvider, policy: HostingPolicy) -> RowIssue? {
        guard code >= 0 else { return nil }
        let slot = 2 * Int(code) + (provider == .google ? 0 : 1)
        if outcomeKinds[slot] == 1 { return nil } // .ok, the usual answer: nothing copied
        return issue(slot: slot, code: code, provider: provider, policy: policy)
    }

    /// ``issue(code:provider:policy:)`` for a slot whose outcome is an issue or not worked out yet.
    private mutating func issue(slot: Int, code: Int32, provider: CalendarProvider, policy: HostingPolicy) -> RowIssue? {
        switch outcomeKinds[slot] {
        case 1: return nil
        case 0:
            guard classified[Int(code)], let verdict = verdicts[Int(code)] else { return nil }
            let outcome = hostingIssue(for: verdict, expected: provider == .google ? .google : .microsoft, policy: policy)
            outcomes[slot] = outcome
            if case .ok = outcome {
                outcomeKinds[slot] = 1
                return nil
            }
            outcomeKinds[slot] = 2
        default: break
        }
        switch outcomes[slot] {
        case let .warning(message)?: return RowIssue(.warning, field: provider.calendarIdField.name, message)
        case let .error(message)?: return RowIssue(.error, field: provider.calendarIdField.name, message)
        default: return nil // .ok, the usual answer: nothing copied
        }
    }
}
