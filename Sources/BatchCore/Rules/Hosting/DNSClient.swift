
/// A small stub resolver for MX lookups: UDP to the configured servers, TCP when an answer is
/// truncated.
///
/// Each try sends a fresh query (new random id) and waits at most `configuration.timeout`;
/// `configuration.retries` more rounds go over all servers. UDP datagrams whose id or question
/// do not match the query are ignored (they are stray or spoofed), so only a real answer ends a
/// try early. NOERROR and NXDOMAIN are answers; SERVFAIL, REFUSED, malformed answers, refused
/// connections and timeouts move on to the next try, and when no try is left the lookup throws
/// `DNSError.lookupFailed` naming each server and what went wrong.
///
/// The client is an immutable value, so it is `Sendable` and can serve any number of concurrent
/// lookups; the socket work runs on a Dispatch queue (see `DNSTransport`).
public struct DNSClient: MXResolving {
    /// Servers, per-try timeout and retries.
    public let configuration: ResolverConfiguration

    /// A client for `configuration`, by default the system's (`/etc/resolv.conf`).
    public init(configuration: ResolverConfiguration = .system()) {
        self.configuration = configuration
    }

    /// A client for explicit servers, e.g. from `--dns-server`.
    public init(servers: [DNSServerAddress], timeout: Duration = .seconds(2), retries: Int = 2) {
        self.init(configuration: ResolverConfiguration(servers: servers, timeout: timeout, retries: retries))
    }

    /// The MX records of `domain` (case and a trailing dot do not matter), following a CNAME
    /// chain inside the answer. A null MX (RFC 7505, exchange ".") counts as no records.
    public func lookupMX(_ domain: String) async throws -> MXLookupResult {
        let name = DNSName.normalized(domain)
        let response = try await query(name, type: .mx)
        return Self.mxResult(from: response, name: name)
    }

    /// Asks the configured servers until one gives an answer (NOERROR or NXDOMAIN) and returns it.
    public func query(_ name: String, type: DNSRecordType) async throws -> DNSMessage {
        let name = DNSName.normalized(name)
        _ = try DNSMessage.query(for: name, type: type)  // reject a bad name before any try
        var failures: [String] = []
        for _ in 0...configuration.retries {
            for server in configuration.servers {
                try Task.checkCancellation()
                let query = try DNSMessage.query(for: name, type: type)
                let timeout = configuration.timeout
                do {
                    let answer = try await DNSTransport.run { try Self.exchange(query, server: server, timeout: timeout) }
                    let code = answer.header.responseCode
                    if code == .noError || code == .nameError { return answer }
                    failures.append("DNS server \(server) answered \(code)")
                } catch let failure as DNSTransport.Failure {
                    failures.append("DNS server \(server) \(failure.reason)")
                }
            }
        }
        var unique: [String] = []
        for f in failures where !unique.contains(f) { unique.append(f) }
        throw DNSError.lookupFailed(domain: name, reason: unique.joined(separator: "; "))
    }

    /// One try on one server: UDP, then TCP if the UDP answer has the TC bit. Blocking.
    static func exchange(_ query: DNSMessage, server: DNSServerAddress, timeout: Duration) throws(DNSTransport.Failure) -> DNSMessage {
        let bytes: [UInt8]
        do { bytes = try query.encoded() } catch { throw DNSTransport.Failure(reason: "was not asked: \(error)") }
        let udpResult = try DNSTransport.udpExchange(bytes, server: server, timeout: timeout) { datagram in
            Self.interpret(datagram, for: query, ignoreMismatch: true)
        }
        let udpAnswer: DNSMessage
        switch udpResult {
        case .success(let message): udpAnswer = message
        case .failure(let error): throw DNSTransport.Failure(reason: "sent a malformed answer: \(error)")
        }
        guard udpAnswer.header.isTruncated else { return udpAnswer }
        let tcpBytes = try DNSTransport.tcpExchange(bytes, server: server, timeout: timeout)
        switch Self.interpret(tcpBytes, for: query, ignoreMismatch: false) {
        case .success(let message): return message
        case .failure(let error): throw DNSTransport.Failure(reason: "sent a malformed answer over TCP: \(error)")
        case nil: throw DNSTransport.Failure(reason: "sent an answer over TCP that is not a DNS response")
        }
    }

    /// Decides what a received message means for `query`: nil to ignore it (only when
    /// `ignoreMismatch`, i.e. for datagrams that anyone could have sent), a parsed answer, or an
    /// error. A truncated answer whose records do not parse is still good enough to switch to TCP.
    static func interpret(_ bytes: [UInt8], for query: DNSMessage, ignoreMismatch: Bool) -> Result<DNSMessage, DNSError>? {
        guard let header = try? DNSMessage.parseHeader(bytes) else {
            return ignoreMismatch ? nil : .failure(.truncatedMessage(offset: 0, needed: DNSMessage.headerLength, length: bytes.count))
        }
        guard header.id == query.header.id else {
            return ignoreMismatch ? nil : .failure(.idMismatch(expected: query.header.id, received: header.id))
        }
        guard header.isResponse else { return ignoreMismatch ? nil : .failure(.notAResponse) }
        let message: DNSMessage
        do {
            message = try DNSMessage(parsing: bytes)
        } catch {
            if header.isTruncated { return .success(DNSMessage(header: header)) }
            return .failure(error)
        }
        let asked = query.questions[0]
        // Some servers leave the question out of truncated or error answers; otherwise it must match.
        if let echoed = message.questions.first, message.questions.count == 1 {
            if !echoed.matches(asked) {
                if ignoreMismatch { return nil }
                return .failure(.questionMismatch(expected: asked.name, received: echoed.name))
            }
        } else if !(message.questions.isEmpty && (header.isTruncated || header.responseCode != .noError)) {
            if ignoreMismatch { return nil }
            return .failure(.questionMismatch(expected: asked.name, received: message.questions.map(\.name).joined(separator: ", ")))
        }
        return .success(message)
    }

    /// The MX records of `name` in a NOERROR/NXDOMAIN response.
    static func mxResult(from response: DNSMessage, name: String) -> MXLookupResult {
        if response.header.responseCode == .nameError { return .nxdomain }
        var owner = DNSName.normalized(name)
        var seen: Set<String> = [owner]
        while let alias = response.answers.first(where: { $0.type == .cname && DNSName.normalized($0.name) == owner }),
              case let .cname(target) = alias.data {
            owner = DNSName.normalized(target)
            if !seen.insert(owner).inserted { break }
        }
        var records: [MXRecord] = []
        for record in response.answers where record.type == .mx && DNSName.normalized(record.name) == owner {
            guard case let .mx(preference, exchange) = record.data else { continue }
            let mx = MXRecord(preference: preference, exchange: exchange)
            if !mx.exchange.isEmpty && !records.contains(mx) { records.append(mx) }
        }
        if records.isEmpty { return .noRecords }
        return .records(records.sorted { ($0.preference, $0.exchange) < ($1.preference, $1.exchange) })
    }
}
