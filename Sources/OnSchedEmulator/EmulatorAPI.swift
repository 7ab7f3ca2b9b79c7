import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The emulated API behind the HTTP server: routing, rate limit, faults, tokens and the
/// endpoints. Thread-safe: every connection thread calls ``handle(_:)`` directly; each piece of
/// state sits in its own `Mutex`.
final class EmulatorAPI: Sendable {
    /// What a connection does with a request.
    enum Outcome: Sendable {
        /// Send this response.
        case respond(HTTPResponse)
        /// Close the connection without answering (injected `reset` fault).
        case reset
    }

    private enum Fault {
        case error, throttle, reset, commitThenFail
    }

    let configuration: EmulatorConfiguration
    private let dataFile: DataFile?
    private let store: Mutex<ResourceStore>
    /// Access token → monotonic expiry (nanoseconds).
    private let tokens = Mutex<[String: UInt64]>([:])
    private let stats = Mutex(EmulatorStats())
    private let random: Mutex<SplitMix64>
    /// `nil` inside when there is no rate limit.
    private let bucket: Mutex<TokenBucket?>

    /// Loads the data file when ``EmulatorConfiguration/dataDirectory`` is set.
    init(configuration: EmulatorConfiguration) throws {
        self.configuration = configuration
        var initial = ResourceStore()
        if let directory = configuration.dataDirectory {
            let file = DataFile(directory: directory)
            try file.prepare()
            if let stored = try file.load() {
                initial = stored
            } else {
                try file.save(&initial)
            }
            dataFile = file
        } else {
            dataFile = nil
        }
        store = Mutex(initial)
        random = Mutex(SplitMix64(seed: configuration.seed))
        bucket = Mutex(configuration.rateLimit.map { TokenBucket(rate: $0) })
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    // MARK: - dispatch

    func handle(_ request: HTTPRequest) -> Outcome {
        let segments = request.path.split(separator: "/").map { PercentEncoding.decode($0, plusIsSpace: false) }
        if segments.first == "emulator" {
            return .respond(admin(request, Array(segments.dropFirst())))
        }
        stats.withLock { $0.requests += 1 }
        if configuration.rateLimit != nil, !bucket.withLock({ $0?.take(now: Self.now()) ?? true }) {
            stats.withLock { $0.throttled += 1 }
            return .respond(.error(429, "Too many requests: the rate limit is \(configuration.rateLimit ?? 0) requests per second",
                                   headers: [("Retry-After", String(configuration.retryAfter))]))
        }
        var commitThenFail = false
        if segments.first == "setup" {
            if configuration.faults.latency > 0 {
                usleep(UInt32(min(configuration.faults.latency, 60) * 1_000_000))
            }
            switch drawFault() {
            case .reset?:
                return .reset
            case .error?:
                return .respond(.error(500, "Internal server error (injected fault)"))
            case .throttle?:
                stats.withLock { $0.throttled += 1 }
                return .respond(.error(429, "Too many requests (injected fault)", headers: [("Retry-After", "1")]))
            case .commitThenFail?:
                commitThenFail = true
            case nil:
                break
            }
        }
        let response = route(request, segments)
        if commitThenFail {
            return .respond(.error(502, "Bad gateway (injected fault)"))
        }
        return .respond(response)
    }

    /// One draw per `/setup` request decides its fault, if any (deterministic for a seed).
    private func drawFault() -> Fault? {
        let faults = configuration.faults
        guard faults.error + faults.throttle + faults.reset + faults.commitThenFail > 0 else { return nil }
        let u = random.withLock { $0.nextUnit() }
        var fault: Fault?
        let edge = faults.reset
        if u < edge {
            fault = .reset
        } else if u < (edge + faults.error) {
            fault = .error
        } else if u < (edge + faults.error + faults.throttle) {
            fault = .throttle
        } else if u < (edge + faults.error + faults.throttle + faults.commitThenFail) {
            fault = .commitThenFail
        }
        if fault != nil { stats.withLock { $0.faults += 1 } }
        return fault
    }

    private func route(_ request: HTTPRequest, _ segments: [String]) -> HTTPResponse {
        let method = request.method
        switch segments.count {
        case 2 where segments == ["connect", "token"]:
            guard method == "POST" else { return Self.notAllowed("POST") }
            return token(request)
        case 3 where segments == ["setup", "v1", "resources"]:
            guard method == "GET" || method == "POST" else { return Self.notAllowed("GET, POST") }
            return authorized(request) {
                method == "GET" ? list(request) : createOne(request)
            }
        case 4 where segments.starts(with: ["setup", "v1", "resources"]):
            if segments[3] == "bulk" {
                guard method == "POST" || method == "PUT" else { return Self.notAllowed("POST, PUT") }
                return authorized(request) { bulk(request, create: method == "POST") }
            }
            if segments[3] == "timezones" {
                guard method == "GET" else { return Self.notAllowed("GET") }
                return authorized(request) { .json(200, TimeZoneCatalog.answer) }
            }
            guard method == "GET" || method == "PUT" || method == "DELETE" else { return Self.notAllowed("GET, PUT, DELETE") }
            return authorized(request) {
                guard let id = Self.resourceId(segments[3]) else { return .error(404, "Resource \(segments[3]) not found") }
                switch method {
                case "GET": return getOne(request, id)
                case "PUT": return updateOne(request, id)
                default: return deleteOne(id)
                }
            }
        case 5 where segments.starts(with: ["setup", "v1", "resources"]) && segments[4] == "recover":
            guard method == "PUT" else { return Self.notAllowed("PUT") }
            return authorized(request) {
                guard let id = Self.resourceId(segments[3]) else { return .error(404, "Resource \(segments[3]) not found") }
                return recoverOne(request, id)
            }
        case 8 where segments.starts(with: ["setup", "v1", "resources"]) && segments[4] == "calendar" && segments[5] == "auth"
            && (segments[6] == "google" || segments[6] == "outlook"):
            guard method == "GET" else { return Self.notAllowed("GET") }
            return authorized(request) {
                guard let id = Self.resourceId(segments[3]) else { return .error(404, "Resource \(segments[3]) not found") }
                return calendarAuth(request, id, provider: segments[6] == "google" ? .google : .outlook, calendarId: segments[7])
            }
        default:
            return .error(404, "Not found")
        }
    }

    private static func notAllowed(_ allow: String) -> HTTPResponse {
        .error(405, "Method not allowed", headers: [("Allow", allow)])
    }

    private static func resourceId(_ text: String) -> Int? {
        guard let id = Int(text), id > 0 else { return nil }
        return id
    }

    private func query(_ request: HTTPRequest) -> [String: String] {
        PercentEncoding.form(request.rawQuery)
    }

    private func returnURLs(_ request: HTTPRequest) -> ResourceStore.ReturnURLs {
        let q = query(request)
        return ResourceStore.ReturnURLs(google: q["googleAuthReturnUrl"], outlook: q["outlookAuthReturnUrl"])
    }

    /// Runs `body` when the request carries a valid, unexpired bearer token; else 401.
    private func authorized(_ request: HTTPRequest, _ body: () -> HTTPResponse) -> HTTPResponse {
        guard let header = request.header("authorization"), header.count > 7,
              header.prefix(7).lowercased() == "bearer " else {
            return .error(401, "Unauthorized: send Authorization: Bearer <access_token>",
                          headers: [("WWW-Authenticate", "Bearer")])
        }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        let now = Self.now()
        let valid = tokens.withLock { tokens -> Bool in
            guard let expiry = tokens[token] else { return false }
            if expiry <= now {
                tokens[token] = nil
                return false
            }
            return true
        }
        guard valid else {
            return .error(401, "Unauthorized: the access token is invalid or expired",
                          headers: [("WWW-Authenticate", "Bearer error=\"invalid_token\"")])
        }
        return body()
    }

    // MARK: - /connect/token

    private func token(_ request: HTTPRequest) -> HTTPResponse {
        var form: [String: String]
        if request.header("content-type")?.lowercased().contains("json") == true,
           case .object(let object)? = JSONValue.parse(request.body) {
            form = [:]
            for (key, value) in object { if case .string(let s) = value { form[key] = s } }
        } else {
            form = PercentEncoding.form(String(decoding: request.body, as: UTF8.self))
        }
        guard form["grant_type"] == "client_credentials" else {
            return .json(400, .object(["error": .string("unsupported_grant_type")]))
        }
        var id = form["client_id"] ?? ""
        var secret = form["client_secret"] ?? ""
        // RFC 6749 §2.3.1 also allows the credentials in HTTP Basic authentication.
        if id.isEmpty, let header = request.header("authorization"), header.lowercased().hasPrefix("basic "),
           let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
           let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":") {
            id = PercentEncoding.decode(pair[..<colon], plusIsSpace: true)
            secret = PercentEncoding.decode(pair[pair.index(after: colon)...], plusIsSpace: true)
        }
        let accepted: Bool
        if let expectedId = configuration.clientId, let expectedSecret = configuration.clientSecret {
            accepted = id == expectedId && secret == expectedSecret
        } else if let expectedId = configuration.clientId {
            accepted = id == expectedId && !secret.isEmpty
        } else {
            accepted = ["sbox", "live", "emulator"].contains(where: { id.hasPrefix($0) }) && !secret.isEmpty
                && (configuration.clientSecret == nil || secret == configuration.clientSecret)
        }
        guard accepted else {
            return .json(400, .object(["error": .string("invalid_client")]))
        }
        var generator = SystemRandomNumberGenerator()
        let token = (0..<4).map { _ in
            let hex = String(generator.next(), radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
        let lifetime = configuration.tokenLifetime.isNaN ? 3600 : min(max(0, configuration.tokenLifetime), 1e9)
        let expiry = Self.now() &+ UInt64(lifetime * 1e9)
        tokens.withLock { tokens in
            if tokens.count > 10_000 {
                let now = Self.now()
                tokens = tokens.filter { $0.value > now }
            }
            tokens[token] = expiry
        }
        return .json(200, .object([
            "access_token": .string(token),
            "expires_in": .int(Int(lifetime.rounded())),
            "token_type": .string("Bearer"),
            "scope": .string(form["scope"].flatMap { $0.isEmpty ? nil : $0 } ?? "OnSchedApi"),
        ]))
    }

    // MARK: - /setup/v1/resources

    private func list(_ request: HTTPRequest) -> HTTPResponse {
        let q = query(request)
        var listQuery = ResourceStore.ListQuery()
        if let location = q["locationId"], !location.isEmpty { listQuery.locationId = location }
        if let email = q["email"], !email.isEmpty { listQuery.email = email }
        if let name = q["name"], !name.isEmpty { listQuery.name = name }
        if let group = q["resourceGroupId"], !group.isEmpty {
            guard let value = Int(group) else { return .error(400, "resourceGroupId must be an integer, got '\(group)'") }
            listQuery.groupId = value
        }
        if let deleted = q["deleted"], !deleted.isEmpty {
            switch deleted.lowercased() {
            case "true": listQuery.deleted = true
            case "false": listQuery.deleted = false
            default: return .error(400, "deleted must be true or false, got '\(deleted)'")
            }
        }
        if let offset = q["offset"], !offset.isEmpty {
            guard let value = Int(offset), value >= 0 else { return .error(400, "offset must be an integer of at least 0, got '\(offset)'") }
            listQuery.offset = value
        }
        if let limit = q["limit"], !limit.isEmpty {
            guard let value = Int(limit), value >= 1 else { return .error(400, "limit must be an integer from 1 to 100, got '\(limit)'") }
            guard value <= 100 else { return .error(400, "limit must be at most 100, got \(value)") }
            listQuery.limit = value
        }
        let (page, total) = store.withLock { $0.list(listQuery) }
        // The list documents a 404: a look-up by e-mail that matches nothing answers it.
        if total == 0, listQuery.email != nil { return .error(404, "Resource was not found") }
        // With the return URLs, every resource with an unauthorized calendar carries its link.
        let links = returnURLs(request)
        return .json(200, .object([
            "object": .string("list"),
            "url": .string("/setup/v1/resources"),
            "hasMore": .bool(listQuery.offset + page.count < total),
            "count": .int(page.count),
            "total": .int(total),
            "data": .array(page.map { $0.view(links: links) }),
        ]))
    }

    private func getOne(_ request: HTTPRequest, _ id: Int) -> HTTPResponse {
        guard let resource = store.withLock({ $0.resource(id) }) else { return .error(404, "Resource \(id) not found") }
        return .json(200, resource.view(links: returnURLs(request)))
    }

    /// `DELETE /{id}`: a soft delete; the answer is the resource with `deletedStatus: true`.
    private func deleteOne(_ id: Int) -> HTTPResponse {
        let time = ISO8601DateFormatter().string(from: Date())
        let deleted: EmulatedResource? = store.withLock { store in
            let result = store.softDelete(id, at: time)
            if result != nil { persist(&store) }
            return result
        }
        guard let deleted else { return .error(404, "Resource \(id) not found") }
        stats.withLock { $0.deletes += 1 }
        return .json(200, deleted.view(links: .init()))
    }

    /// `PUT /{id}/recover`: restores a deleted resource.
    private func recoverOne(_ request: HTTPRequest, _ id: Int) -> HTTPResponse {
        let recovered: EmulatedResource? = store.withLock { store in
            let result = store.recover(id)
            if result != nil { persist(&store) }
            return result
        }
        guard let recovered else { return .error(404, "Resource \(id) not found") }
        stats.withLock { $0.recovers += 1 }
        return .json(200, recovered.view(links: returnURLs(request)))
    }

    private func body(_ request: HTTPRequest) -> JSONValue? {
        JSONValue.parse(request.body)
    }

    private static let invalidJSON = HTTPResponse.error(400, "The request body is not valid JSON")

    private func createOne(_ request: HTTPRequest) -> HTTPResponse {
        guard let body = body(request) else { return Self.invalidJSON }
        let urls = returnURLs(request)
        let result = mutate { $0.create([body], returnURLs: urls, bulk: false) }
        switch result {
        case .success(let created):
            stats.withLock { $0.creates += created.count }
            return .json(200, created[0].view)
        case .failure(let errors):
            return .json(400, errors.body)
        }
    }

    private func updateOne(_ request: HTTPRequest, _ id: Int) -> HTTPResponse {
        guard let body = body(request) else { return Self.invalidJSON }
        guard store.withLock({ $0.resource(id) }) != nil else { return .error(404, "Resource \(id) not found") }
        let urls = returnURLs(request)
        switch mutate({ $0.update([body], pathId: id, returnURLs: urls) }) {
        case .success(let updated):
            stats.withLock { $0.updates += updated.count }
            return .json(200, updated[0].view)
        case .failure(let errors):
            if errors.general.contains("Resource \(id) not found") { return .error(404, "Resource \(id) not found") }
            return .json(400, errors.body)
        }
    }

    private func bulk(_ request: HTTPRequest, create: Bool) -> HTTPResponse {
        stats.withLock { create ? ($0.bulkCreateCalls += 1) : ($0.bulkUpdateCalls += 1) }
        guard let body = body(request) else { return Self.invalidJSON }
        guard case .object(let object) = body,
              case .array(let items)? = ResourceInput.lowered(object)["resources"] else {
            return .json(400, .object(["Resources": .array([.string("The Resources field is required and must be an array.")])]))
        }
        guard items.count <= 100 else {
            return .error(400, "A bulk call takes at most 100 resources; this one has \(items.count)")
        }
        let urls = returnURLs(request)
        let result = mutate { store in
            create ? store.create(items, returnURLs: urls, bulk: true) : store.update(items, pathId: nil, returnURLs: urls)
        }
        switch result {
        case .success(let resources):
            stats.withLock { create ? ($0.creates += resources.count) : ($0.updates += resources.count) }
            return .json(200, .array(resources.map(\.view)))
        case .failure(let errors):
            return .json(400, errors.body)
        }
    }

    private func calendarAuth(_ request: HTTPRequest, _ id: Int, provider: CalendarAuthURL.Provider, calendarId: String) -> HTTPResponse {
        guard let resource = store.withLock({ $0.resource(id) }) else { return .error(404, "Resource \(id) not found") }
        // The return URL is optional here: without it, the one stored with the calendar is used.
        let parameter = provider == .google ? "googleAuthReturnUrl" : "outlookAuthReturnUrl"
        let stored = provider == .google ? resource.googleAuthReturnUrl : resource.outlookAuthReturnUrl
        let returnUrl = query(request)[parameter].flatMap { $0.isEmpty ? nil : $0 } ?? stored ?? ""
        guard ResourceInput.isValidEmail(calendarId) else {
            return .error(400, "'\(calendarId)' is not a valid e-mail address")
        }
        return .json(200, .object([
            "object": .string("calendarAuth"),
            "calendarId": .string(calendarId),
            "calendarAuthUrl": .string(CalendarAuthURL.make(provider, resourceId: id, calendarId: calendarId, returnUrl: returnUrl)),
        ]))
    }

    /// Runs a store operation under the lock and, when it succeeded and data is persistent,
    /// rewrites the data file before the lock is released (so the file follows the order of changes).
    private func mutate(_ operation: (inout ResourceStore) -> Result<[EmulatedResource], FieldErrors>) -> Result<[EmulatedResource], FieldErrors> {
        store.withLock { store in
            let result = operation(&store)
            if case .success = result { persist(&store) }
            return result
        }
    }

    private func persist(_ store: inout ResourceStore) {
        guard let dataFile else { return }
        do {
            try dataFile.save(&store)
        } catch {
            FileHandle.standardError.write(Data("emulator: \(error)\n".utf8))
        }
    }

    // MARK: - /emulator (no authentication, no faults, no rate limit)

    private func admin(_ request: HTTPRequest, _ segments: [String]) -> HTTPResponse {
        let method = request.method
        switch segments {
        case ["resources"]:
            guard method == "GET" else { return Self.notAllowed("GET") }
            return .json(200, .array(store.withLock { $0.resources.map(\.view) }))
        case ["stats"]:
            guard method == "GET" else { return Self.notAllowed("GET") }
            return .json(200, stats.withLock { $0.json })
        case ["reset"]:
            guard method == "POST" else { return Self.notAllowed("POST") }
            store.withLock { store in
                store = ResourceStore()
                persist(&store)
            }
            stats.withLock { $0 = EmulatorStats() }
            return .json(200, .object(["reset": .bool(true)]))
        case ["seed"]:
            guard method == "POST" else { return Self.notAllowed("POST") }
            guard let body = body(request) else { return Self.invalidJSON }
            let items: [JSONValue]
            if case .array(let array) = body {
                items = array
            } else if case .object(let object) = body, case .array(let array)? = ResourceInput.lowered(object)["resources"] {
                items = array
            } else {
                return .error(400, "expected {\"resources\": [ ... ]}")
            }
            switch mutate({ $0.seed(items) }) {
            case .success(let seeded): return .json(200, .array(seeded.map(\.view)))
            case .failure(let errors): return .json(400, errors.body)
            }
        case _ where segments.count == 2 && segments[0] == "authorize":
            guard method == "POST" else { return Self.notAllowed("POST") }
            guard let id = Self.resourceId(segments[1]) else { return .error(404, "Resource \(segments[1]) not found") }
            let provider = query(request)["provider"]?.lowercased()
            let result: EmulatedResource? = store.withLock { store in
                guard var resource = store.resource(id) else { return nil }
                if provider != "outlook" && (resource.googleCalendarId != nil || provider == "google") {
                    resource.googleCalendarAuthorized = true
                }
                if provider != "google" && (resource.outlookCalendarId != nil || provider == "outlook") {
                    resource.outlookCalendarAuthorized = true
                }
                store.put(resource)
                persist(&store)
                return resource
            }
            guard let result else { return .error(404, "Resource \(id) not found") }
            return .json(200, result.view)
        default:
            return .error(404, "Not found")
        }
    }
}
