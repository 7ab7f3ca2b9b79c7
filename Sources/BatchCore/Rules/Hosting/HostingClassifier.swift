
/// Decides who hosts e-mail domains for a whole run: table first, then the consumer lists, then
/// DNS MX records.
///
/// An actor because it owns the run's shared state:
/// - a cache of verdicts per domain, failures included (a domain that timed out once is not
///   asked again in the same run; a file with 10,000 rows of one company costs one lookup);
/// - in-flight deduplication: concurrent callers for the same domain await one shared lookup;
/// - a bound on lookups in flight (`maxConcurrentLookups`), with waiters served first come,
///   first served, so a large file cannot flood the DNS server.
///
/// Every suspension re-checks state, since other calls run while one awaits.
public actor HostingClassifier {
    private let resolver: any MXResolving
    private let table: DomainHostingTable?
    private let maxConcurrentLookups: Int

    private var cache: [String: HostingVerdict] = [:]
    private var inFlight: [String: Task<HostingVerdict, Never>] = [:]
    private var lookupsRunning = 0
    /// FIFO of lookups waiting for a slot; `waiterHead` avoids O(n) removal at the front.
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var waiterHead = 0

    /// - Parameters:
    ///   - resolver: answers MX lookups (`DNSClient` in production, a fake in tests).
    ///   - table: the `--domain-hosting` table, consulted before anything else.
    ///   - maxConcurrentLookups: lookups allowed in flight at once (at least 1).
    public init(resolver: some MXResolving, table: DomainHostingTable? = nil, maxConcurrentLookups: Int = 8) {
        self.resolver = resolver
        self.table = table
        self.maxConcurrentLookups = max(1, maxConcurrentLookups)
    }

    /// The verdict for the domain of an e-mail address (the text after the last `@`, trimmed and
    /// lowercased; the whole text if there is no `@`).
    public func classify(email: String) async -> HostingVerdict {
        let domain: Substring
        if let at = email.lastIndex(of: "@") {
            domain = email[email.index(after: at)...]
        } else {
            domain = Substring(email)
        }
        return await classify(domain: String(domain))
    }

    /// The verdict for `domain` (case, surrounding spaces and a trailing dot do not matter).
    /// Never throws: a failed lookup is the `.lookupFailed` verdict.
    public func classify(domain rawDomain: String) async -> HostingVerdict {
        let domain = DNSName.normalized(rawDomain)
        if let provider = table?.provider(for: domain) { return .fromTable(domain: domain, provider: provider) }
        if let provider = HostingRules.consumerProvider(of: domain) { return .consumerDomain(domain: domain, provider: provider) }
        if domain.isEmpty { return .lookupFailed(domain: domain, reason: "the e-mail address has no domain") }
        if let cached = cache[domain] { return cached }
        if let running = inFlight[domain] { return await running.value }
        let task = Task { await self.lookUp(domain) }
        inFlight[domain] = task
        let verdict = await task.value
        cache[domain] = verdict
        inFlight[domain] = nil
        return verdict
    }

    /// Number of distinct domains answered from DNS so far (for statistics and tests).
    public var cachedDomainCount: Int { cache.count }

    /// Lookups waiting for a slot (for tests of the FIFO bound).
    var waitingLookupCount: Int { waiters.count - waiterHead }

    private func lookUp(_ domain: String) async -> HostingVerdict {
        await acquireSlot()
        let result: Result<MXLookupResult, any Error>
        do {
            result = .success(try await resolver.lookupMX(domain))
        } catch {
            result = .failure(error)
        }
        releaseSlot()
        switch result {
        case .success(.records(let records)):
            return HostingRules.verdict(domain: domain, mx: records)
        case .success(.noRecords):
            return .noMail(domain: domain)
        case .success(.nxdomain):
            return .nxdomain(domain: domain)
        case .failure(let error):
            if case let DNSError.lookupFailed(_, reason) = error {
                return .lookupFailed(domain: domain, reason: reason)
            }
            return .lookupFailed(domain: domain, reason: String(describing: error))
        }
    }

    private func acquireSlot() async {
        if lookupsRunning < maxConcurrentLookups {
            lookupsRunning += 1
            return
        }
        // The slot is handed over by releaseSlot, which does not decrement the count.
        await withCheckedContinuation { waiters.append($0) }
    }

    private func releaseSlot() {
        if waiterHead < waiters.count {
            let next = waiters[waiterHead]
            waiterHead += 1
            if waiterHead > 64 && waiterHead * 2 > waiters.count {
                waiters.removeFirst(waiterHead)
                waiterHead = 0
            }
            next.resume()
        } else {
            lookupsRunning -= 1
        }
    }
}
