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
        .value("ca-cert", "FILE", "trust the CA certificates in this PEM file (a corporate TLS proxy's) instead of the system store; also CURL_CA_BUNDLE, SSL_CERT_FILE"),
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
        // First, before the emulator starts or a credential is read: without libcurl nothing can be sent.
        let caFile = try caCertificateFile(args)
        let (transport, invalidate) = try makeTransport(concurrency: concurrency, timeout: timeout, caFile: caFile)
        var emulator: EmulatorServer?
        let endpoint: OnSchedEndpoint
        let credentials: ClientCredentials
        // The transport's threads must not outlive a refusal below (architecture.md's traps).
        var ready = false
        defer { if !ready { invalidate(); emulator?.stop() } }
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
        ready = true
        // A 429's pause is capped as the retry policy caps Retry-After: no server wedges a run.
        let policy = RetryPolicy(maxRetries: retries)
        let client = OnSchedClient(
            endpoint: endpoint, credentials: credentials, transport: transport,
            rateLimiter: RateLimiter(rate: rate, maxPause: policy.maxRetryAfter), retryPolicy: policy,
            secrets: .shared)
        // Long pauses get a line with their cause, and the progress line shows any pause.
        let quiet = args.flag("quiet")
        client.onWait { notice in WaitReporter.shared.report(notice, quiet: quiet) }
        return Connection(client: client, transport: transport, invalidateTransport: invalidate, emulator: emulator,
                          clientId: credentials.id)
    }

    /// libcurl's easy interface on worker threads (`CurlTransport`) where libcurl can be loaded,
    /// otherwise URLSession; `RESOURCE_BATCH_TRANSPORT=urlsession` forces URLSession. The release
    /// build has no URLSession (RESOURCE_BATCH_NO_URLSESSION): there a missing libcurl is an error
    /// naming the package to install.
    ///
    /// A CA file needs libcurl: swift-corelibs-foundation's URLSession on Linux cannot be given one
    /// (it reads no such setting outside Android), so that combination is refused rather than
    /// silently trusting the system store instead, unless the file *is* the system store's bundle
    /// (many machines set `SSL_CERT_FILE` or `CURL_CA_BUNDLE` to it).
    static func makeTransport(concurrency: Int, timeout: Double, caFile: String? = nil) throws -> (any HTTPTransport, @Sendable () -> Void) {
        #if RESOURCE_BATCH_NO_URLSESSION
        guard let curl = CurlTransport(concurrency: concurrency, timeout: timeout, caFile: caFile) else { throw LibCurlUnavailableError() }
        return (curl, { curl.invalidate() })
        #else
        let wantsURLSession = ProcessInfo.processInfo.environment["RESOURCE_BATCH_TRANSPORT"] == "urlsession"
        if !wantsURLSession, let curl = CurlTransport(concurrency: concurrency, timeout: timeout, caFile: caFile) {
            return (curl, { curl.invalidate() })
        }
        if let caFile, !isSystemBundle(caFile) {
            throw UsageError("the CA certificate file \(caFile) needs the libcurl transport: URLSession on Linux cannot load one"
                             + (wantsURLSession ? " (unset RESOURCE_BATCH_TRANSPORT)" : " (libcurl.so.4 could not be loaded)"))
        }
        let session = URLSessionTransport(concurrency: concurrency, timeout: timeout)
        return (session, { session.invalidate() })
        #endif
    }

    /// The CA certificates to trust, as cli.md orders them: `--ca-cert FILE`, then
    /// `CURL_CA_BUNDLE`, then `SSL_CERT_FILE` (as curl reads them); nil for the system store.
    /// A file that cannot be read is a usage error (exit 2, nothing sent).
    static func caCertificateFile(_ args: ParsedArguments) throws -> String? {
        let env = ProcessInfo.processInfo.environment
        let sources: [(String, String?)] = [("--ca-cert", args.value("ca-cert")), ("CURL_CA_BUNDLE", env["CURL_CA_BUNDLE"]),
                                            ("SSL_CERT_FILE", env["SSL_CERT_FILE"])]
        guard let (source, path) = sources.first(where: { !($0.1 ?? "").isEmpty }).map({ ($0.0, $0.1!) }) else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              FileManager.default.isReadableFile(atPath: path) else {
            throw UsageError("\(source) \(path): no readable CA certificate file there", command: args.command.name)
        }
        return path
    }

    /// The CA bundles libcurl and URLSession use by default (the list swift-corelibs-foundation searches).
    static let systemBundles = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                                "/usr/share/ssl/certs/ca-bundle.crt", "/usr/local/share/certs/ca-root-nss.crt", "/etc/ssl/cert.pem"]

    /// Whether `path` is (a link to) one of the system's default CA bundles.
    static func isSystemBundle(_ path: String) -> Bool {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return systemBundles.contains { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path == resolved }
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

    /// `ONSCHED_CLIENT_ID` and the secret: never flags, so they stay out of `ps` and shell history.
    static func environmentCredentials() throws -> ClientCredentials {
        let env = ProcessInfo.processInfo.environment
        guard let id = env["ONSCHED_CLIENT_ID"], !id.isEmpty else {
            throw UsageError("set ONSCHED_CLIENT_ID, and the secret in ONSCHED_CLIENT_SECRET or ONSCHED_CLIENT_SECRET_FILE, in the environment (or use --emulator to try the tool locally)")
        }
        return ClientCredentials(id: id, secret: try clientSecret(env))
    }

    /// The name of the secret's file in a systemd credentials directory (`LoadCredential=`).
    static let credentialName = "onsched-client-secret"

    /// The client secret, from the first of: `ONSCHED_CLIENT_SECRET`; the file named by
    /// `ONSCHED_CLIENT_SECRET_FILE`; `onsched-client-secret` in `$CREDENTIALS_DIRECTORY` (systemd
    /// credentials). Giving both the variable and the file variable is refused: which one wins
    /// would be a guess. A file loses one trailing newline (as `echo` or an editor leaves it).
    static func clientSecret(_ env: [String: String]) throws -> String {
        let direct = env["ONSCHED_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        let file = env["ONSCHED_CLIENT_SECRET_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if direct != nil, file != nil {
            throw UsageError("both ONSCHED_CLIENT_SECRET and ONSCHED_CLIENT_SECRET_FILE are set; set only one")
        }
        if let direct { return direct }
        if let file { return try readSecret(file, origin: "ONSCHED_CLIENT_SECRET_FILE") }
        if let directory = env["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let path = (directory as NSString).appendingPathComponent(credentialName)
            if FileManager.default.fileExists(atPath: path) {
                return try readSecret(path, origin: "$CREDENTIALS_DIRECTORY")
            }
            throw UsageError("no client secret: ONSCHED_CLIENT_SECRET and ONSCHED_CLIENT_SECRET_FILE are not set and \(path) does not exist (systemd: LoadCredential=\(credentialName):FILE)")
        }
        throw UsageError("set ONSCHED_CLIENT_SECRET or ONSCHED_CLIENT_SECRET_FILE (a file holding the secret) in the environment (or use --emulator to try the tool locally)")
    }

    /// The secret in `path`, less one trailing newline (`\n` or `\r\n`); an empty or unreadable
    /// file is an error naming the file and where its name came from.
    static func readSecret(_ path: String, origin: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw UsageError("cannot read the client secret: \(path) (from \(origin)) does not exist")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("cannot read the client secret: \(path) (from \(origin)) is \(isDirectory.boolValue ? "a directory" : "not readable by this user")")
        }
        var bytes = Array(data)
        if bytes.last == 0x0A { bytes.removeLast(); if bytes.last == 0x0D { bytes.removeLast() } }
        guard !bytes.isEmpty else {
            throw UsageError("the client secret file \(path) (from \(origin)) is empty")
        }
        guard let secret = String(validating: bytes, as: UTF8.self), !secret.contains("\n") else {
            throw UsageError("the client secret file \(path) (from \(origin)) holds more than one line or is not UTF-8 text")
        }
        return secret
    }
}
