import BatchModel
import Foundation
import JSONCodec

/// The OnSched Setup API calls resource-batch makes, with rate limiting, token handling and retries.
///
/// Every call: waits for the shared `RateLimiter`, adds `Authorization: Bearer …`, sends, and then
/// - on 401 drops the token, fetches a new one and sends once more; a second 401 is `.unauthorized`;
/// - on 429 pauses every worker through the rate limiter and retries after `Retry-After`;
/// - on 408, 500, 502, 503, 504, time-outs and connection failures retries after a jittered backoff
///   (`RetryPolicy`), **except** for a create (POST) whose failure may have been applied: that one is
///   thrown with `mayHaveBeenApplied == true` so the import job looks the e-mails up before re-sending
///   (see `RequestFailure.mayHaveBeenApplied` for the classification);
/// - turns any other error answer into `OnSchedError.http` with a readable message (`APIErrorBody`).
///
/// A value type: copies share the token cache, the rate limiter and the counters.
public struct OnSchedClient: Sendable {
    /// The calendar providers of the auth-link calls (path segment `google` / `outlook`).
    public enum CalendarProvider: String, Sendable, Hashable, CaseIterable {
        case google
        case outlook
    }

    /// Most resources one bulk call may carry (onsched-api.md).
    public static let maxBulkSize = 100

    public let endpoint: OnSchedEndpoint
    public let rateLimiter: RateLimiter
    public let retryPolicy: RetryPolicy
    private let transport: any HTTPTransport
    private let tokens: TokenProvider
    private let clock: any BatchClock
    private let recorder = ClientStatsRecorder()
    /// Whether a 401 makes this client fetch a fresh token and send once more (the default), or
    /// throws `unauthorized` at once so that the caller decides (``ImportCore`` does for writes).
    private var refreshesAfterUnauthorized = true

    /// - Parameters:
    ///   - endpoint: where the API and the token endpoint are.
    ///   - credentials: the OAuth client; the secret only ever goes into the token request body.
    ///   - transport: one transport for the whole run (`URLSessionTransport`).
    ///   - rateLimiter: shared by every worker.
    ///   - retryPolicy: backoff and retry limits.
    ///   - clock: drives backoff sleeps and token expiry.
    ///   - secrets: collects the client secret and every token, and is redacted from every error
    ///     this client throws (the command line passes `SecretRegistry.shared`).
    public init(
        endpoint: OnSchedEndpoint, credentials: ClientCredentials, transport: any HTTPTransport,
        rateLimiter: RateLimiter, retryPolicy: RetryPolicy = RetryPolicy(), clock: any BatchClock = SystemClock(),
        secrets: SecretRegistry = SecretRegistry()
    ) {
        self.endpoint = endpoint
        self.transport = transport
        self.rateLimiter = rateLimiter
        self.retryPolicy = retryPolicy
        self.clock = clock
        self.tokens = TokenProvider(
            tokenURL: endpoint.tokenURL, credentials: credentials, transport: transport, clock: clock, secrets: secrets)
    }

    /// A copy sharing this client's token, rate limit and statistics, whose calls throw
    /// `unauthorized` on a 401 instead of refreshing the token themselves.
    public func leavingUnauthorizedToCaller() -> OnSchedClient {
        var copy = self
        copy.refreshesAfterUnauthorized = false
        return copy
    }

    /// Drops the cached access token and fetches a new one: the caller saw the API refuse the old one.
    /// Throws what the token endpoint answered (`unauthorized` when it rejects the credentials).
    public func renewToken() async throws {
        do {
            await tokens.invalidateCurrent()
            _ = try await tokens.token()
            await recorder.retry()
        } catch let error as OnSchedError {
            throw error.redacting(tokens.secrets)
        }
    }

    /// Requests, retries, 429s and token fetches so far.
    public var stats: ClientStats {
        get async {
            var s = await recorder.current
            s.tokenFetches = await tokens.fetchCount
            return s
        }
    }

    // MARK: - Calls

    /// Every resource matching the filters, page by page (`offset += count` while `hasMore`).
    ///
    /// - Parameters:
    ///   - locationId: the location (the company's primary one when nil).
    ///   - email: only resources with this e-mail (as the server filters it).
    ///   - includeDeleted: also list deleted resources. The API's `deleted` parameter selects
    ///     live (`false`, the default) or deleted (`true`) resources, so this makes a second pass
    ///     with `deleted=true` after the live ones, keeping only resources marked deleted (so a
    ///     server that reads `deleted=true` as "include" yields no duplicates).
    ///   - pageSize: 1…100 (clamped).
    ///   - returnURLs: asked with the list so it can answer each resource's authorization link
    ///     (`googleCalendarAuthUrl` / `outlookCalendarAuthUrl`) where the API does.
    ///   - onPage: called with each page in order; the next page is fetched after it returns.
    /// - Throws: `OnSchedError`; `.invalidResponse` when the paging cannot end: the server says
    ///   `hasMore` but sends an empty page, sends a page whose resources were all listed already
    ///   (it ignores `offset`), says `hasMore` past its own `total`, or goes on beyond
    ///   `maxListedResources`. Each of these would otherwise loop forever. A 404 to a look-up
    ///   filtered by `email` means no match (onsched-api.md): no page, no error.
    public func listResources(
        locationId: String? = nil, email: String? = nil, includeDeleted: Bool = false, pageSize: Int = 100,
        returnURLs: ReturnURLs = .none, onPage: ([Resource]) async throws -> Void
    ) async throws {
        try await listPages(
            locationId: locationId, email: email, deleted: nil, pageSize: pageSize, returnURLs: returnURLs, onPage: onPage)
        if includeDeleted {
            try await listPages(
                locationId: locationId, email: email, deleted: true, pageSize: pageSize, returnURLs: returnURLs
            ) { page in
                let deleted = page.filter { $0.deletedStatus == true }
                if !deleted.isEmpty { try await onPage(deleted) }
            }
        }
    }

    /// The most resources one listing may return before it is taken for a server that never
    /// stops paging (OnSched tenants hold thousands; ten million is no tenant).
    public static let maxListedResources = 10_000_000

    private func listPages(
        locationId: String?, email: String?, deleted: Bool?, pageSize: Int, returnURLs: ReturnURLs,
        onPage: ([Resource]) async throws -> Void
    ) async throws {
        let limit = min(max(pageSize, 1), Self.maxBulkSize)
        var offset = 0
        var seen = Set<String>()
        while true {
            var query: [(name: String, value: String)] = []
            if let locationId, !locationId.isEmpty { query.append(("locationId", locationId)) }
            if let email, !email.isEmpty { query.append(("email", email)) }
            if let deleted { query.append(("deleted", deleted ? "true" : "false")) }
            query.append(("offset", String(offset)))
            query.append(("limit", String(limit)))
            query += returnURLs.queryItems
            let response: HTTPResponse
            do {
                response = try await perform(.get, url: try url(["setup", "v1", "resources"], query: query))
            } catch let error as OnSchedError where error.kind == .http && error.status == 404 && !(email ?? "").isEmpty {
                return  // "Resource was not found": the filtered look-up matched nothing.
            }
            let page: ResourceAnswer.Page
            do {
                page = try ResourceAnswer.page(response.body)
            } catch {
                throw OnSchedError.invalidResponse("the resource list at offset \(offset) could not be read: \(Self.brief(error))")
            }
            // A page that only repeats what was listed (a server ignoring `offset`) is never
            // handed on: it would write the same rows again. A few repeats among new resources are
            // normal (a resource created while paging shifts the later pages by one).
            let ids = page.data.compactMap(\.id).filter { !$0.isEmpty }
            if offset > 0, !ids.isEmpty, ids.allSatisfy(seen.contains) {
                throw OnSchedError.invalidResponse(
                    "the resource list at offset \(offset) repeats resources already listed (it ignores the offset); "
                        + "stopping to avoid a loop")
            }
            seen.formUnion(ids)
            try await onPage(page.data)
            let count = page.count ?? page.data.count
            guard page.hasMore == true else { return }
            guard count > 0, !page.data.isEmpty else {
                throw OnSchedError.invalidResponse(
                    "the resource list says more pages follow offset \(offset) but returned none; stopping to avoid a loop")
            }
            offset += count
            if let total = page.total, offset >= total {
                throw OnSchedError.invalidResponse(
                    "the resource list says more pages follow offset \(offset), past its own total of \(total); stopping to avoid a loop")
            }
            guard offset < Self.maxListedResources else {
                throw OnSchedError.invalidResponse(
                    "the resource list went on past \(Self.maxListedResources) resources; stopping to avoid a loop")
            }
        }
    }

    /// Every resource with this e-mail (compared case-insensitively, whatever the server's
    /// filter does), to match input rows and to look up a create that may have been applied.
    ///
    /// Pass the row's `locationId`: the list searches the primary location when none is given,
    /// so a resource created in another location would not be found and be created again.
    /// A 404 answer means no match (an empty result).
    public func findResources(email: String, locationId: String? = nil) async throws -> [Resource] {
        let wanted = WhitespaceTrim.whitespaces(email).lowercased()
        var found: [Resource] = []
        try await listResources(locationId: locationId, email: email) { page in
            found += page.filter { $0.email.map { WhitespaceTrim.whitespaces($0).lowercased() } == wanted }
        }
        return found
    }

    /// One resource by id (`GET /setup/v1/resources/{id}`); a missing one is `.http` with status 404.
    /// With return URLs, the answer carries the authorization link of an unauthorized calendar.
    public func getResource(id: String, returnURLs: ReturnURLs = .none) async throws -> Resource {
        let response = try await perform(.get, url: try url(["setup", "v1", "resources", id], query: returnURLs.queryItems))
        return try decode(response, what: "resource \(id)", applied: false, ResourceAnswer.resource)
    }

    /// The time zones a resource may have (`GET /setup/v1/resources/timezones`): Windows zone ids
    /// with their IANA names. Read once per run; the answer may be a bare array or a list envelope.
    public func timeZones() async throws -> [TimeZoneEntry] {
        let response = try await perform(.get, url: try url(["setup", "v1", "resources", "timezones"]))
        if let list = try? JSONDecoder().decode([TimeZoneEntry].self, from: response.body) { return list }
        if let envelope = try? JSONDecoder().decode(TimeZoneList.self, from: response.body) { return envelope.data }
        throw OnSchedError.invalidResponse("the time zone list is not a JSON array of time zones")
    }

    /// Creates up to 100 resources in one call (`POST /setup/v1/resources/bulk`, a bare JSON array back).
    ///
    /// Not idempotent: a failure after the request may have reached the server (time-out, broken
    /// connection, 5xx) is **not** retried but thrown with `mayHaveBeenApplied == true`, unless
    /// `retryAmbiguous` is true. Failures proven harmless (no connection, 401, 408, 429) are retried.
    /// An empty list sends nothing. `answerFields` says which fields of the answer's resources
    /// are read (`.outcome` is what an import row needs; the others are left `nil`).
    public func bulkCreate(
        _ resources: [ResourcePayload], returnURLs: ReturnURLs = .none, retryAmbiguous: Bool = false,
        answerFields: ResourceFieldSet = .all
    ) async throws -> [Resource] {
        try await bulkCreate(resources, returnURLs: returnURLs, retryAmbiguous: retryAmbiguous) { body in
            try ResourceAnswer.list(body, fields: answerFields)
        }
    }

    /// ``bulkCreate(_:returnURLs:retryAmbiguous:answerFields:)`` answering only each resource's
    /// outcome, read from the answer without building whole resources (what an import needs).
    public func bulkCreateOutcomes(
        _ resources: [ResourcePayload], returnURLs: ReturnURLs = .none, retryAmbiguous: Bool = false
    ) async throws -> [ResourceOutcome] {
        try await bulkCreate(resources, returnURLs: returnURLs, retryAmbiguous: retryAmbiguous, read: ResourceAnswer.outcomes)
    }

    /// ``bulkCreateOutcomes(_:returnURLs:retryAmbiguous:)`` of `count` resources whose JSON
    /// objects `write(i, &writer)` writes (``ResourcePayload/write(to:id:locationId:)``) where
    /// they lie: the import writes its planned rows' payloads without copying each into an array
    /// first (issue 17: the copies and their release were ~4,500 instructions a row).
    /// `expecting(i)`: what the `i`-th resource sent, whose strings the answer's `i`-th resource
    /// usually repeats and then reuses (``ResourceOutcome/Expected``).
    package func bulkCreateOutcomes(
        count: Int, returnURLs: ReturnURLs = .none, retryAmbiguous: Bool = false,
        writing write: (Int, inout JSONWriter) throws -> Void,
        expecting: ((Int) -> ResourceOutcome.Expected?)? = nil
    ) async throws -> [ResourceOutcome] {
        guard count > 0 else { return [] }
        try Self.checkBulkSize(count)
        let body: Data
        do {
            // The writer's memory becomes the body's, freed with it: no copy into an array and
            // another into `Data` (issue 17).
            let buffer = try ResourcePayload.bulkBodyWriter(count: count, write).takeBuffer()
            body = Data(bytesNoCopy: buffer.baseAddress!, count: buffer.count, deallocator: .custom { pointer, _ in
                pointer.deallocate()
            })
        } catch {
            throw OnSchedError.invalidConfiguration("the bulk body could not be encoded: \(Self.brief(error))")
        }
        let response = try await perform(
            .post, url: try url(["setup", "v1", "resources", "bulk"], query: returnURLs.queryItems), body: body,
            retryAmbiguous: retryAmbiguous)
        return try decodeBulk(response, what: "bulk create", applied: true) { try ResourceAnswer.outcomes($0, expecting: expecting) }
    }

    private func bulkCreate<T>(
        _ resources: [ResourcePayload], returnURLs: ReturnURLs, retryAmbiguous: Bool, read: (Data) throws -> [T]
    ) async throws -> [T] {
        guard !resources.isEmpty else { return [] }
        try Self.checkBulkSize(resources.count)
        let body = try encodeBulk(resources)
        let response = try await perform(
            .post, url: try url(["setup", "v1", "resources", "bulk"], query: returnURLs.queryItems), body: body,
            retryAmbiguous: retryAmbiguous)
        return try decodeBulk(response, what: "bulk create", applied: true, read)
    }

    /// Updates up to 100 resources in one call (`PUT /setup/v1/resources/bulk`). Each payload needs
    /// its `id`; `locationId` is removed (the update model has none). Idempotent, so every
    /// retryable failure is retried. An empty list sends nothing. `answerFields` as for `bulkCreate`.
    public func bulkUpdate(
        _ resources: [ResourcePayload], returnURLs: ReturnURLs = .none, answerFields: ResourceFieldSet = .all
    ) async throws -> [Resource] {
        try await bulkUpdate(resources, returnURLs: returnURLs) { body in try ResourceAnswer.list(body, fields: answerFields) }
    }

    /// ``bulkUpdate(_:returnURLs:answerFields:)`` answering only each resource's outcome.
    public func bulkUpdateOutcomes(_ resources: [ResourcePayload], returnURLs: ReturnURLs = .none) async throws -> [ResourceOutcome] {
        try await bulkUpdate(resources, returnURLs: returnURLs, read: ResourceAnswer.outcomes)
    }

    private func bulkUpdate<T>(
        _ resources: [ResourcePayload], returnURLs: ReturnURLs, read: (Data) throws -> [T]
    ) async throws -> [T] {
        guard !resources.isEmpty else { return [] }
        try Self.checkBulkSize(resources.count)
        let cleaned = try resources.enumerated().map { index, payload in
            guard let id = payload.id, !id.isEmpty else {
                throw OnSchedError.invalidConfiguration("bulk update: resource \(index + 1) of the chunk has no id")
            }
            var p = payload
            p.locationId = nil
            return p
        }
        let body = try encodeBulk(cleaned)
        let response = try await perform(
            .put, url: try url(["setup", "v1", "resources", "bulk"], query: returnURLs.queryItems), body: body)
        return try decodeBulk(response, what: "bulk update", applied: true, read)
    }

    /// A fresh calendar authorization link for a resource
    /// (`GET /setup/v1/resources/{id}/calendar/auth/{google|outlook}/{calendarId}` → `calendarAuthUrl`).
    public func authLink(
        resourceId: String, provider: CalendarProvider, calendarId: String, returnURLs: ReturnURLs = .none
    ) async throws -> String {
        let response = try await perform(
            .get,
            url: try url(
                ["setup", "v1", "resources", resourceId, "calendar", "auth", provider.rawValue, calendarId],
                query: returnURLs.queryItems))
        let answer = try decode(response, what: "the auth link of \(resourceId)", applied: false, ResourceAnswer.calendarAuthURL)
        guard let link = answer, !link.isEmpty else {
            throw OnSchedError.invalidResponse("the auth-link answer for resource \(resourceId) has no calendarAuthUrl")
        }
        return link
    }

    // MARK: - The request loop

    /// Sends one API request until it succeeds or the policy gives up; returns the 2xx response.
    /// Every `OnSchedError` it throws has the run's secrets redacted (a server may echo them).
    func perform(_ method: HTTPMethod, url: URL, body: Data? = nil, retryAmbiguous: Bool = false) async throws
        -> HTTPResponse
    {
        do {
            return try await performUnredacted(method, url: url, body: body, retryAmbiguous: retryAmbiguous)
        } catch let error as OnSchedError {
            throw error.redacting(tokens.secrets)
        }
    }

    private func performUnredacted(_ method: HTTPMethod, url: URL, body: Data?, retryAmbiguous: Bool) async throws
        -> HTTPResponse
    {
        let idempotent = method.isIdempotent || retryAmbiguous
        var failures = 0
        var refreshedAfter401 = false
        while true {
            let token: String
            do {
                token = try await tokens.token()
            } catch let error as OnSchedError where error.isRetryable {
                // The token request failed; the API request was not sent, so retrying is always safe.
                failures += 1
                guard failures <= retryPolicy.maxRetries else { throw error }
                await recorder.retry()
                let delay = retryPolicy.backoff(attempt: failures)
                rateLimiter.waitObserver.notify(WaitNotice(
                    seconds: delay, cause: .tokenRetry(attempt: failures, of: retryPolicy.maxRetries, reason: error.message)))
                try await pause(for: delay)
                continue
            }
            try await rateLimiter.acquire()
            var headers = ["Authorization": "Bearer \(token)", "Accept": "application/json"]
            if body != nil { headers["Content-Type"] = "application/json; charset=utf-8" }
            await recorder.request()

            let failure: RequestFailure
            var response: HTTPResponse?
            var transportMessage = ""
            do {
                let r = try await transport.send(HTTPRequest(method: method, url: url, headers: headers, body: body))
                if r.isSuccess { return r }
                response = r
                failure = .status(r.status, retryAfter: r.header("Retry-After").flatMap { RetryAfter.parse($0, now: Date()) })
            } catch let error as TransportError where error.kind == .untrusted {
                throw OnSchedError(kind: .untrustedCertificate, message: error.message)
            } catch let error as TransportError {
                failure = RequestFailure(error)
                transportMessage = error.message
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // An unknown error from a custom transport: assume the request may have been sent.
                failure = .connectionLost
                transportMessage = String(describing: error)
            }

            if let r = response, r.isRedirect {
                throw OnSchedError.redirected("\(method.rawValue) \(Self.path(of: url))", status: r.status,
                                              location: r.header("Location"), mayHaveBeenApplied: method == .post)
            }
            if case .status(429, let retryAfter) = failure {
                await recorder.throttled()
                await rateLimiter.throttled(retryAfter: retryAfter)
            }
            switch retryPolicy.decision(attempt: failures + 1, failure: failure, idempotent: idempotent) {
            case .refreshToken:
                guard !refreshedAfter401 && refreshesAfterUnauthorized else {
                    let message = response.map { APIErrorBody.message(from: $0.body, status: $0.status) } ?? ""
                    throw OnSchedError(
                        kind: .unauthorized, status: 401,
                        message: refreshesAfterUnauthorized
                            ? "the API refused a freshly issued token for \(method.rawValue) \(Self.path(of: url)): \(message)"
                            : "\(method.rawValue) \(Self.path(of: url)): \(message)")
                }
                refreshedAfter401 = true
                await tokens.invalidate(token)
                await recorder.retry()
            case .retry(let delay):
                failures += 1
                await recorder.retry()
                // A 429 that named its pause was told by the rate limiter, which pauses everyone.
                if case .status(429, _?) = failure {} else {
                    rateLimiter.waitObserver.notify(WaitNotice(
                        seconds: delay,
                        cause: .retry(attempt: failures, of: retryPolicy.maxRetries,
                                      reason: Self.reason(failure, transportMessage: transportMessage))))
                }
                try await pause(for: delay)
            case .giveUp:
                throw error(for: failure, response: response, transportMessage: transportMessage, method: method, url: url)
            }
        }
    }

    /// Sleeps `seconds` before a retry, unless the run stops meanwhile: then throws
    /// `StoppedWhileWaiting` (looking at the stop every `StopCheck.pollInterval`).
    private func pause(for seconds: Double) async throws {
        let stopCheck = rateLimiter.stopCheck
        let deadline = clock.now + max(0, seconds)
        while true {
            if stopCheck.isStopped { throw StoppedWhileWaiting(waitingFor: "a retry") }
            let now = clock.now
            guard now < deadline else { return }
            try await clock.sleep(until: stopCheck.isWatching ? min(deadline, now + StopCheck.pollInterval) : deadline)
        }
    }

    /// From now on, every pause (a 429's, a retry's back-off, a token retry's)
    /// is told to `observer` just before it starts, with its length and cause, so the command
    /// line can log long ones and show the wait. Copies of the client share the hook.
    public func onWait(_ observer: @escaping @Sendable (WaitNotice) -> Void) {
        rateLimiter.waitObserver.watch(observer)
    }

    /// Why an attempt failed, in a few words for a wait notice: `HTTP 503 Service Unavailable`,
    /// `HTTP 429 Too Many Requests`, or the transport's message (`Connection refused`).
    static func reason(_ failure: RequestFailure, transportMessage: String) -> String {
        switch failure {
        case .status(let status, _): APIErrorBody.statusLine(status)
        case .timedOut: transportMessage.isEmpty ? "timed out" : transportMessage
        case .notConnected, .connectionLost: transportMessage.isEmpty ? "the connection failed" : transportMessage
        }
    }

    /// From now on, no request waits (for the rate limit or a retry) once `isStopped` is true:
    /// it throws `StoppedWhileWaiting` instead. Requests in flight are not interrupted.
    public func stopWaiting(when isStopped: @escaping @Sendable () -> Bool) {
        rateLimiter.stopCheck.watch(isStopped)
    }

    private func error(
        for failure: RequestFailure, response: HTTPResponse?, transportMessage: String, method: HTTPMethod, url: URL
    ) -> OnSchedError {
        let applied = method != .get && failure.mayHaveBeenApplied
        let what = "\(method.rawValue) \(Self.path(of: url))"
        switch failure {
        case .status(let status, _):
            let message = response.map { APIErrorBody.message(from: $0.body, status: status) } ?? APIErrorBody.statusLine(status)
            return OnSchedError(kind: .http, status: status, message: message, mayHaveBeenApplied: applied)
        case .timedOut:
            return OnSchedError(kind: .transport, message: "\(what) timed out: \(transportMessage)", mayHaveBeenApplied: applied)
        case .notConnected, .connectionLost:
            return OnSchedError(kind: .transport, message: "\(what): \(transportMessage)", mayHaveBeenApplied: applied)
        }
    }

    // MARK: - Helpers

    /// The API URL for path segments (each percent-encoded) and query items (strictly encoded).
    func url(_ segments: [String], query: [(name: String, value: String)] = []) throws -> URL {
        var base = endpoint.apiURL.absoluteString
        if let q = base.firstIndex(where: { $0 == "?" || $0 == "#" }) { base = String(base[..<q]) }
        while base.hasSuffix("/") { base.removeLast() }
        var text = base + "/" + segments.map(PercentEncoding.pathSegment).joined(separator: "/")
        if !query.isEmpty { text += "?" + PercentEncoding.query(query) }
        guard let url = URL(string: text) else {
            throw OnSchedError.invalidConfiguration("cannot build a URL from \(OnSchedEndpoint.redacted(endpoint.apiURL))")
        }
        return url
    }

    private static func path(of url: URL) -> String {
        URLComponents(url: url, resolvingAgainstBaseURL: true)?.percentEncodedPath ?? url.path
    }

    private static func checkBulkSize(_ count: Int) throws {
        guard count <= maxBulkSize else {
            throw OnSchedError.invalidConfiguration("a bulk call carries at most \(maxBulkSize) resources, not \(count)")
        }
    }

    private func encodeBulk(_ resources: [ResourcePayload]) throws -> Data {
        do {
            return Data(try ResourcePayload.bulkBody(resources))
        } catch {
            throw OnSchedError.invalidConfiguration("the bulk body could not be encoded: \(Self.brief(error))")
        }
    }

    private func decodeBulk<T>(_ response: HTTPResponse, what: String, applied: Bool, _ read: (Data) throws -> [T]) throws -> [T] {
        // A bare array, or an envelope in case the API ever wraps the array.
        if let list = try? read(response.body) { return list }
        throw OnSchedError(
            kind: .invalidResponse, message: "the answer to the \(what) is not a JSON array of resources",
            mayHaveBeenApplied: applied)
    }

    private func decode<T>(
        _ response: HTTPResponse, what: String, applied: Bool, _ read: (Data) throws -> T
    ) throws -> T {
        do {
            return try read(response.body)
        } catch {
            throw OnSchedError(
                kind: .invalidResponse, message: "\(what) could not be read: \(Self.brief(error))",
                mayHaveBeenApplied: applied)
        }
    }

    /// A decoding error in one short line.
    static func brief(_ error: any Error) -> String {
        switch error {
        case let error as JSONScanError: return "not JSON (\(error))"
        case DecodingError.dataCorrupted(let c): return c.debugDescription
        case DecodingError.keyNotFound(let key, _): return "missing \(key.stringValue)"
        case DecodingError.typeMismatch(let type, let c):
            return "\(c.codingPath.map(\.stringValue).joined(separator: ".")) is not \(type)"
        case DecodingError.valueNotFound(_, let c): return "\(c.codingPath.map(\.stringValue).joined(separator: ".")) is null"
        default: return String(describing: error)
        }
    }
}

/// `{"object":"list","data":[…]}` around the time zones, should the API wrap them.
private struct TimeZoneList: Decodable {
    var data: [TimeZoneEntry]
}
