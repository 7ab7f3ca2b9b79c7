import Foundation

/// Fetches, caches and refreshes the OAuth access token (client-credentials grant).
///
/// - One `POST` to the token endpoint (form fields `client_id`, `client_secret`,
///   `grant_type=client_credentials`, `scope=OnSchedApi`, percent-encoded).
/// - The token is reused until `refreshMargin` seconds (default 60) before it expires
///   (`expires_in`, 3600 when absent; half-way for a lifetime under twice the margin), judged by
///   the injected clock.
/// - Callers arriving while a fetch is running wait for that fetch: one request, not one each.
/// - `invalidate(_:)` after a 401 drops that token (only if it is still the cached one), so the
///   next caller fetches once however many workers saw the 401.
/// - Failures become `OnSchedError`; a refused grant is `.unauthorized`. The secret and the token
///   never appear in an error, and the provider's description shows neither.
public actor TokenProvider: CustomStringConvertible {
    private struct Cached {
        let token: String
        /// When to fetch a new one: `refreshMargin` before expiry, or half-way through a
        /// lifetime shorter than twice the margin (so a short-lived token is still reused).
        let refreshAt: Double
    }

    private let tokenURL: URL
    private let credentials: ClientCredentials
    private let transport: any HTTPTransport
    private let clock: any BatchClock
    /// Where the secret and each token are registered for redaction.
    public nonisolated let secrets: SecretRegistry
    /// Seconds before expiry at which a new token is fetched.
    public nonisolated let refreshMargin: Double
    /// Lifetime assumed when the answer has no `expires_in`.
    public nonisolated let defaultLifetime: Double

    private var cached: Cached?
    private var inFlight: Task<Cached, any Error>?
    private var generation: UInt64 = 0
    /// How many token requests were sent.
    public private(set) var fetchCount = 0
    /// How many callers waited for a fetch another caller started (for tests).
    private(set) var joinedFetches = 0

    public init(
        tokenURL: URL, credentials: ClientCredentials, transport: any HTTPTransport,
        clock: any BatchClock = SystemClock(), refreshMargin: Double = 60, defaultLifetime: Double = 3600,
        secrets: SecretRegistry = SecretRegistry()
    ) {
        self.tokenURL = tokenURL
        self.credentials = credentials
        self.transport = transport
        self.clock = clock
        self.refreshMargin = max(0, refreshMargin)
        self.defaultLifetime = defaultLifetime > 0 ? defaultLifetime : 3600
        // Every message of the run is cleaned of the secret (and of each token, below).
        self.secrets = secrets
        secrets.add(credentials.secret)
    }

    public nonisolated var description: String { "TokenProvider(\(tokenURL.absoluteString))" }

    /// A valid access token, fetched only when none is cached or it is about to expire.
    public func token() async throws -> String {
        if let cached, clock.now < cached.refreshAt { return cached.token }
        if let inFlight {
            joinedFetches += 1
            return try await inFlight.value.token
        }
        let task = Task { try await self.fetch() }
        inFlight = task
        generation &+= 1
        let myGeneration = generation
        do {
            let fresh = try await task.value
            if generation == myGeneration {
                inFlight = nil
                cached = fresh
            }
            return fresh.token
        } catch {
            if generation == myGeneration { inFlight = nil }
            throw error
        }
    }

    /// Forgets `token` after the API rejected it (401); a newer cached token is kept.
    public func invalidate(_ token: String) {
        if cached?.token == token { cached = nil }
    }

    /// Forgets the cached token, whatever it is, unless a fetch is already under way (its token is new).
    public func invalidateCurrent() {
        if inFlight == nil { cached = nil }
    }

    private func fetch() async throws -> Cached {
        fetchCount += 1
        let form = PercentEncoding.query([
            ("client_id", credentials.id), ("client_secret", credentials.secret),
            ("grant_type", "client_credentials"), ("scope", "OnSchedApi"),
        ])
        let request = HTTPRequest(
            method: .post, url: tokenURL,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: Data(form.utf8))
        let started = clock.now
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as TransportError where error.kind == .untrusted {
            throw OnSchedError(kind: .untrustedCertificate, message: redact(error.message))
        } catch let error as TransportError {
            throw OnSchedError.transport("token endpoint \(tokenURL.host ?? ""): \(redact(error.message))")
        } catch {
            throw OnSchedError.transport("token endpoint \(tokenURL.host ?? ""): \(redact(String(describing: error)))")
        }
        if response.isRedirect {
            throw OnSchedError.redirected("the token endpoint \(tokenURL.host ?? "")", status: response.status,
                                          location: response.header("Location"))
        }
        guard response.isSuccess else {
            let message = redact(APIErrorBody.message(from: response.body, status: response.status))
            switch response.status {
            case 400, 401, 403:
                // RFC 6749 §5.2: invalid_client / unauthorized_client / invalid_scope … are 400 or 401.
                throw OnSchedError(
                    kind: .unauthorized, status: response.status,
                    message: "the token endpoint refused client id \(credentials.id): \(message)")
            default:
                throw OnSchedError.http(status: response.status, message: "token endpoint: \(message)")
            }
        }
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
            let token = object["access_token"] as? String, !token.isEmpty
        else {
            throw OnSchedError.invalidResponse("the token endpoint's answer has no access_token")
        }
        secrets.add(token)
        let lifetime = Self.seconds(object["expires_in"]) ?? defaultLifetime
        return Cached(token: token, refreshAt: started + lifetime - min(refreshMargin, lifetime / 2))
    }

    /// `expires_in` as a number or a numeric string.
    private static func seconds(_ value: Any?) -> Double? {
        let d: Double?
        if let s = value as? String { d = Double(s) }
        else if let n = value as? NSNumber, !(value is Bool) { d = n.doubleValue }
        else if let i = value as? Int { d = Double(i) }
        else if let x = value as? Double { d = x }
        else { d = nil }
        guard let d, d.isFinite, d > 0 else { return nil }
        return d
    }

    /// Removes the secret, in any encoding, from a text that came from outside (also done for
    /// every `OnSchedError` through `SecretRegistry`; kept here so this provider's messages are
    /// clean whatever the registry holds).
    private func redact(_ text: String) -> String {
        SecretRedactor([credentials.secret]).redact(text)
    }
}
