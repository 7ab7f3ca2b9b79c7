import Foundation

/// How an ``EmulatorServer`` listens and behaves.
///
/// Every field has a default so that `EmulatorConfiguration()` is an in-memory emulator on
/// `127.0.0.1:8080` that accepts any sandbox-looking credentials; tests usually only set `port: 0`.
public struct EmulatorConfiguration: Sendable {
    /// IPv4 address to listen on. Only loopback is expected (`127.0.0.1`); `localhost` means it too.
    public var host: String
    /// TCP port; `0` lets the system pick a free port (read it back from ``EmulatorServer/start()``).
    public var port: UInt16
    /// When set, the data lives in `dataDirectory/emulator.json`: loaded at start, rewritten
    /// atomically (temporary file + rename) after every change, so a restart keeps the tenant.
    public var dataDirectory: String?
    /// Requests per second accepted (token bucket, one second of burst); beyond it the emulator
    /// answers 429 with `Retry-After:` ``retryAfter``. `nil` means no limit. `/emulator/...` is never limited.
    public var rateLimit: Double?
    /// The whole seconds a rate-limit 429 asks the client to wait (default 1); a test of a long
    /// pause sets more, as a real API that counts per minute would.
    public var retryAfter: Int = 1
    /// Failures to inject into `/setup/...` calls, to exercise a client's retries.
    public var faults: FaultSpec
    /// Seed of the deterministic random generator deciding which requests get a fault.
    public var seed: UInt64
    /// When both are set, `/connect/token` accepts only these credentials; otherwise any client
    /// id starting with `sbox`, `live` or `emulator` with a non-empty secret.
    public var clientId: String?
    /// See ``clientId``.
    public var clientSecret: String?
    /// Seconds an access token stays valid (OnSched: 60 minutes).
    public var tokenLifetime: TimeInterval
    /// Seconds a keep-alive connection may stay silent before the emulator closes it.
    public var idleTimeout: TimeInterval
    /// Largest request head (request line + headers) accepted; beyond it the answer is 431.
    public var maxHeaderBytes: Int
    /// Largest request body accepted; beyond it the answer is 413.
    public var maxBodyBytes: Int

    /// Creates a configuration; every parameter is optional.
    public init(
        host: String = "127.0.0.1",
        port: UInt16 = 8080,
        dataDirectory: String? = nil,
        rateLimit: Double? = nil,
        faults: FaultSpec = .none,
        seed: UInt64 = 1,
        clientId: String? = nil,
        clientSecret: String? = nil,
        tokenLifetime: TimeInterval = 3600,
        idleTimeout: TimeInterval = 30,
        maxHeaderBytes: Int = 64 * 1024,
        maxBodyBytes: Int = 8 * 1024 * 1024
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.rateLimit = rateLimit
        self.faults = faults
        self.seed = seed
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.tokenLifetime = tokenLifetime
        self.idleTimeout = idleTimeout
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }
}
