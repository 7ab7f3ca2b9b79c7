import Foundation

/// Answers from the `--domain-hosting FILE` option: who hosts which domain, without DNS.
///
/// The file is CSV `domain,provider` with provider `google`, `microsoft` or `other`. A header
/// line `domain,provider` is optional; spaces around fields are trimmed; blank lines and lines
/// starting with `#` are ignored. Domains match exactly (case-insensitively, trailing dot
/// ignored): an entry for `acme.com` does not cover `eu.acme.com`. The same domain twice with
/// different providers is an error, since either answer could be the wrong one.
public struct DomainHostingTable: Sendable, Equatable {
    /// Normalized domain → provider.
    public private(set) var entries: [String: HostingProvider]

    /// A table from entries (domains are normalized).
    public init(entries: [String: HostingProvider] = [:]) {
        var normalized: [String: HostingProvider] = [:]
        for (domain, provider) in entries { normalized[DNSName.normalized(domain)] = provider }
        self.entries = normalized
    }

    /// Loads the file at `path`; throws `DomainHostingTableError` naming the file and line.
    public init(contentsOf path: String) throws(DomainHostingTableError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DomainHostingTableError(file: path, line: 0, reason: "cannot be read (missing or not a readable file)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DomainHostingTableError(file: path, line: 0, reason: "is not UTF-8 text")
        }
        try self.init(parsing: text, file: path)
    }

    /// Parses table text; `file` names it in errors.
    public init(parsing text: String, file: String) throws(DomainHostingTableError) {
        var entries: [String: HostingProvider] = [:]
        var firstLine: [String: Int] = [:]
        var sawContent = false
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        // Split on "\n" only so line numbers match an editor's ("\r\n" is one Character).
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
            func fail(_ reason: String) -> DomainHostingTableError {
                DomainHostingTableError(file: file, line: lineNumber, reason: reason)
            }
            guard fields.count == 2 else {
                throw fail("expected 2 fields \"domain,provider\", found \(fields.count): \"\(line)\"")
            }
            if !sawContent {
                sawContent = true
                if fields[0].lowercased() == "domain" && fields[1].lowercased() == "provider" { continue }
            }
            let domain = DNSName.normalized(String(fields[0]))
            guard !domain.isEmpty else { throw fail("empty domain") }
            guard !domain.contains("@"), !domain.contains(" "), !domain.contains("\t"), !domain.hasPrefix("."),
                  !domain.contains("..") else {
                throw fail("\"\(fields[0])\" is not a domain name (write acme.com, not an e-mail address)")
            }
            guard let provider = HostingProvider(rawValue: fields[1].lowercased()) else {
                throw fail("unknown provider \"\(fields[1])\" for \(domain) (expected google, microsoft or other)")
            }
            if let previous = entries[domain], previous != provider {
                throw fail("\(domain) is \(provider.rawValue) here but \(previous.rawValue) on line \(firstLine[domain] ?? 0)")
            }
            entries[domain] = provider
            if firstLine[domain] == nil { firstLine[domain] = lineNumber }
        }
        self.entries = entries
    }

    /// The provider the table gives for `domain`, or nil if the table does not know it.
    public func provider(for domain: String) -> HostingProvider? {
        entries[DNSName.normalized(domain)]
    }

    /// Number of domains in the table.
    public var count: Int { entries.count }
}
