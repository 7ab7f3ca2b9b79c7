import BatchCore
import Foundation
import OnSchedEmulator

/// Where the API is and how to reach it: `--env`, `--api-url`, `--token-url`, `--emulator`, the
/// credentials from the environment, and the request settings shared by import, export and auth-links.
enum APIOptions {
    static let location: [OptionSpec] = [
        .value("env", "sandbox|production", "OnSched's hosted sandbox or production (default sandbox)"),
        .value("api-url", "URL", "explicit API host (overrides --env)"),
        .value("token-url", "URL", "explicit token endpoint (overrides --env)"),
        .flag("emulator", "run against the built-in emulator, data in .resource-batch/emulator/; no credentials needed"),
    ]

    static let requests: [OptionSpec] = [
        .value("concurrency", "N", "requests in flight at once (default 4)"),
        .value("rate", "R", "requests per second across all workers (default 5)"),
        .value("max-retries", "N", "retries of a failed request (default 6)"),
        .value("timeout", "SECONDS", "time limit of one request (default 60)"),
    ]

    /// The pieces of a connection: the client, and what must be shut down at the end.
    struct Connection {
        var client: OnSchedClient
        var transport: any HTTPTransport
        /// Shuts the transport down: its threads or session must not outlive the run (architecture.md's traps).
        var invalidateTransport: @Sendable () -> Void
        var emulator: EmulatorServer?
        /// The OAuth client id (no secret): part of the tenant lock's key.
        var clientId: String

        /// Shuts the transport down and stops the emulator before the process exits.
        func close() {
            invalidateTransport()
            emulator?.stop()
        }
    }

    /// Builds the client the options ask for, starting the in-process emulator for `--emulator`.
    static func connect(_ args: ParsedArguments, concurrency: Int) throws -> Connection {
        let rate = try args.number("rate") ?? 5
        let retries = try args.integer("max-retries", in: 0...100) ?? 6
        let timeout = try args.number("timeout") ?? 60
        var emulator: EmulatorServer?
        let endpoint: OnSchedEndpoint
        let credentials: ClientCredentials
        if args.flag("emulator") {
            if args.value("api-url") != nil || args.value("env") != nil {
                throw UsageError("--emulator cannot be combined with --env or --api-url", command: args.command.name)
            }
            let dir = FileManager.default.currentDirectoryPath + "/.resource-batch/emulator"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let server = EmulatorServer(configuration: EmulatorConfiguration(
                port: 0, dataDirectory: dir, clientId: embeddedClientId, clientSecret: embeddedSecret))
            let base = try server.start()
            emulator = server
            endpoint = try OnSchedEndpoint(apiURL: base, tokenURL: base.appendingPathComponent("connect/token"))
            credentials = ClientCredentials(id: embeddedClientId, secret: embeddedSecret)
        } else {
            endpoint = try resolveEndpoint(args)
            credentials = try environmentCredentials()
        }
        let (transport, invalidate) = makeTransport(concurrency: concurrency, timeout: timeout)
        let client = OnSchedClient(
            endpoint: endpoint, credentials: credentials, transport: transport,
            rateLimiter: RateLimiter(rate: rate), retryPolicy: RetryPolicy(maxRetries: retries))
        return Connection(client: client, transport: transport, invalidateTransport: invalidate, emulator: emulator,
                          clientId: credentials.id)
    }

    /// libcurl's easy interface on worker threads (`CurlTransport`) where libcurl can be loaded,
    /// otherwise URLSession; `RESOURCE_BATCH_TRANSPORT=urlsession` forces URLSession.
    static func makeTransport(concurrency: Int, timeout: Double) -> (any HTTPTransport, @Sendable () -> Void) {
        if ProcessInfo.processInfo.environment["RESOURCE_BATCH_TRANSPORT"] != "urlsession",
           let curl = CurlTransport(concurrency: concurrency, timeout: timeout) {
            return (curl, { curl.invalidate() })
        }
        let session = URLSessionTransport(concurrency: concurrency, timeout: timeout)
        return (session, { session.invalidate() })
    }

    static let embeddedClientId = "sbox-resource-batch-emulator"
    static let embeddedSecret = "local-emulator-secret"

    static func resolveEndpoint(_ args: ParsedArguments) throws -> OnSchedEndpoint {
        let env = try args.choice("env", ["sandbox", "production"]) ?? "sandbox"
        var endpoint = try OnSchedEndpoint.environment(env)
        let apiURL = args.value("api-url")
        let tokenURL = args.value("token-url")
        if apiURL != nil || tokenURL != nil {
            guard let api = URL(string: apiURL ?? endpoint.apiURL.absoluteString), api.host != nil else {
                throw UsageError("--api-url '\(apiURL ?? "")' is not an absolute URL", command: args.command.name)
            }
            let token: URL
            if let tokenURL {
                guard let t = URL(string: tokenURL), t.host != nil else {
                    throw UsageError("--token-url '\(tokenURL)' is not an absolute URL", command: args.command.name)
                }
                token = t
            } else if apiURL != nil {
                token = api.appendingPathComponent("connect/token")
            } else {
                token = endpoint.tokenURL
            }
            endpoint = try OnSchedEndpoint(apiURL: api, tokenURL: token)
        }
        return endpoint
    }

    /// `ONSCHED_CLIENT_ID` and `ONSCHED_CLIENT_SECRET`: never flags, so they stay out of `ps` and shell history.
    static func environmentCredentials() throws -> ClientCredentials {
        let env = ProcessInfo.processInfo.environment
        guard let id = env["ONSCHED_CLIENT_ID"], !id.isEmpty, let secret = env["ONSCHED_CLIENT_SECRET"], !secret.isEmpty else {
            throw UsageError("set ONSCHED_CLIENT_ID and ONSCHED_CLIENT_SECRET in the environment (or use --emulator to try the tool locally)")
        }
        return ClientCredentials(id: id, secret: secret)
    }
}
