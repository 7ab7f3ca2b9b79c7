/// Reads, validates and checks rows in batches, in input order: the front half of `validate` and
/// `import`.
///
/// Each batch is validated synchronously, then the e-mail domains no earlier row has asked about
/// are classified concurrently (the classifier bounds and caches lookups), then duplicates are
/// found in input order. Memory is one batch, whatever the size of the file.
public final class ValidationPipeline {
    public let source: any RecordSource
    private var validator: ResourceValidator
    private let hosting: HostingClassifier?
    private let policy: HostingPolicy
    private let batchSize: Int
    private var verdicts: [String: HostingVerdict] = [:]
    private var duplicates = DuplicateTracker()
    /// How many rows repeat an earlier row's e-mail or id.
    public private(set) var duplicateCount = 0

    /// - Parameter hosting: the classifier; `nil` (or policy `off`) skips the hosting rule.
    public init(source: any RecordSource, options: ValidationOptions, hosting: HostingClassifier?, batchSize: Int = 1024) {
        self.source = source
        validator = ResourceValidator(options: options)
        self.hosting = options.hostingPolicy == .off ? nil : hosting
        policy = options.hostingPolicy
        self.batchSize = batchSize
    }

    /// The next rows in input order, or `nil` at the end of the input.
    /// - Throws: `InputError` when the input cannot be read further.
    public func nextBatch() async throws -> [ValidatedRow]? {
        var rows: [ValidatedRow] = []
        rows.reserveCapacity(batchSize)
        while rows.count < batchSize, let record = try source.next() {
            rows.append(validator.validate(record))
        }
        if rows.isEmpty { return nil }
        if let hosting { await checkHosting(&rows, hosting) }
        for i in rows.indices where !rows[i].issues.hasErrors {
            if let (first, key) = duplicates.claim(row: rows[i].row, emailKey: rows[i].emailKey, id: rows[i].id) {
                rows[i].duplicateOf = first
                rows[i].issues.append(RowIssue(.warning, field: nil, "the same \(key.rawValue) as row \(first); skipped"))
                duplicateCount += 1
            }
        }
        return rows
    }

    private func checkHosting(_ rows: inout [ValidatedRow], _ hosting: HostingClassifier) async {
        var unknown: Set<String> = []
        var last: String?
        for i in rows.indices {
            // Neighbouring rows often share a domain: one comparison saves a hash lookup.
            guard let domain = rows[i].hostingDomain, rows[i].provider != nil, domain != last else { continue }
            last = domain
            if verdicts[domain] == nil { unknown.insert(domain) }
        }
        if !unknown.isEmpty {
            let found = await withTaskGroup(of: (String, HostingVerdict).self) { group in
                for domain in unknown {
                    group.addTask { (domain, await hosting.classify(domain: domain)) }
                }
                var out: [(String, HostingVerdict)] = []
                for await pair in group { out.append(pair) }
                return out
            }
            for (domain, verdict) in found { verdicts[domain] = verdict }
        }
        var lastDomain: String?
        var lastVerdict: HostingVerdict?
        for i in rows.indices {
            guard rows[i].calendarIdIsValid, let expectedProvider = rows[i].provider,
                  let domain = rows[i].hostingDomain else { continue }
            let verdict: HostingVerdict
            if domain == lastDomain, let lastVerdict {
                verdict = lastVerdict
            } else {
                guard let v = verdicts[domain] else { continue }
                verdict = v
                lastDomain = domain
                lastVerdict = v
            }
            let expected: HostingProvider = expectedProvider == .google ? .google : .microsoft
            let field = expectedProvider.calendarIdField.name
            switch hostingIssue(for: verdict, expected: expected, policy: policy) {
            case .ok: break
            case let .warning(message): rows[i].issues.append(RowIssue(.warning, field: field, message))
            case let .error(message): rows[i].issues.append(RowIssue(.error, field: field, message))
            }
        }
    }
}
