import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The OnSched API emulator: an HTTP/1.1 server on POSIX sockets serving `/connect/token`, the
/// Setup API resource endpoints of onsched-api.md and the `/emulator/...` admin endpoints.
///
/// One thread accepts; each connection gets its own thread doing blocking I/O (keep-alive and
/// pipelining supported, idle connections closed after ``EmulatorConfiguration/idleTimeout``,
/// at most 2,048 connections at once). Use it in process from tests (`port: 0`) or through
/// `resource-batch emulator`. Stopping and starting again reloads the data file; without
/// ``EmulatorConfiguration/dataDirectory`` a restarted server starts empty.
///
/// Endpoints (every answer is JSON with `Content-Type: application/json`):
/// - `POST /connect/token`: client credentials (form fields or HTTP Basic) → `access_token`,
///   `expires_in`, `token_type`; bad credentials → 400 `{"error":"invalid_client"}`.
/// - With `Authorization: Bearer` (else 401): `GET|POST /setup/v1/resources`,
///   `GET|PUT /setup/v1/resources/{id}`, `POST|PUT /setup/v1/resources/bulk` (≤ 100, all or
///   nothing, bare array back), `GET /setup/v1/resources/{id}/calendar/auth/{google|outlook}/{email}`.
/// - Without authentication, never limited or faulted: `GET /emulator/resources` (all, deleted
///   too), `GET /emulator/stats`, `POST /emulator/reset`, `POST /emulator/seed`
///   (`{"resources":[view-like objects]}`), `POST /emulator/authorize/{id}[?provider=google|outlook]`.
///
/// Where onsched-api.md says "unknown", the emulator decides: the list's `name` filter is a
/// case-insensitive substring match; `deleted=true` lists only deleted resources; the same
/// e-mail may be used twice; a calendar id given again unchanged keeps its authorization but
/// still needs its return URL; `""` clears a calendar id (null leaves it); top-level calendar
/// fields are ignored on input (they belong in `options`); a bulk 400 names the bad resource as
/// `resources[i]` (field map keys `resources[i].Email`, or `{"error":"resources[i]: …"}`).
///
/// ```swift
/// let server = EmulatorServer(configuration: EmulatorConfiguration(port: 0))
/// let url = try server.start()   // http://127.0.0.1:54321
/// defer { server.stop() }
/// ```
public final class EmulatorServer: Sendable {
    /// The configuration the server was created with.
    public let configuration: EmulatorConfiguration

    private struct State {
        var listener: Int32 = -1
        var baseURL: URL?
        var connections: Set<Int32> = []
        var running = false
        var stopping = false
    }

    /// Connections served at once (one thread each); more are answered 503 and closed.
    static let maxConnections = 2048

    private let state = Mutex(State())
    /// Serializes ``start()`` and ``stop()`` (a stop during a start would otherwise see a
    /// half-started server). Only those two take it; no server thread does, so holding it while
    /// ``stop()`` waits for the threads cannot deadlock.
    private let lifecycle = Mutex(())
    /// Every thread the server started (acceptor and connections); ``stop()`` waits for it.
    private let threads = DispatchGroup()

    /// Creates a server; nothing is opened until ``start()``.
    public init(configuration: EmulatorConfiguration = EmulatorConfiguration()) {
        self.configuration = configuration
    }

    /// The base URL (`http://host:port`, real port) while running, else `nil`.
    public var baseURL: URL? { state.withLock { $0.baseURL } }

    /// Loads the data file (if any), binds and listens, and starts serving on background threads.
    ///
    /// - Returns: the base URL with the port actually bound (useful with `port: 0`).
    /// - Throws: ``EmulatorError`` when already running, the host is not an IPv4 address, the
    ///   port is taken, or the data file cannot be read.
    @discardableResult
    public func start() throws -> URL {
        try lifecycle.withLock { _ in try startLocked() }
    }

    private func startLocked() throws -> URL {
        try state.withLock { s in
            if s.running { throw EmulatorError("the emulator is already running at \(s.baseURL?.absoluteString ?? "?")") }
            s.running = true
            s.stopping = false
        }
        do {
            let api = try EmulatorAPI(configuration: configuration)
            let (fd, port) = try Self.listen(host: configuration.host, port: configuration.port)
            let host = configuration.host == "localhost" ? "127.0.0.1" : configuration.host
            guard let url = URL(string: "http://\(host):\(port)") else {
                close(fd)
                throw EmulatorError("cannot form a URL for \(host):\(port)")
            }
            state.withLock { s in
                s.listener = fd
                s.baseURL = url
            }
            threads.enter()
            let acceptor = Thread { [self] in
                self.acceptLoop(listener: fd, api: api)
                self.threads.leave()
            }
            acceptor.name = "emulator-accept"
            acceptor.start()
            return url
        } catch {
            state.withLock { $0.running = false }
            throw error
        }
    }

    /// Stops listening, closes every connection and waits for all server threads to end.
    /// Calling it when not running does nothing.
    public func stop() {
        lifecycle.withLock { _ in stopLocked() }
    }

    private func stopLocked() {
        let wasRunning: Bool = state.withLock { s in
            guard s.running, !s.stopping else { return false }
            s.stopping = true
            if s.listener >= 0 { _ = shutdown(s.listener, Int32(SHUT_RDWR)) }
            for fd in s.connections { _ = shutdown(fd, Int32(SHUT_RDWR)) }
            return true
        }
        guard wasRunning else { return }
        threads.wait()
        state.withLock { s in
            s.listener = -1
            s.baseURL = nil
            s.connections = []
            s.running = false
            s.stopping = false
        }
    }

    private func acceptLoop(listener: Int32, api: EmulatorAPI) {
        defer { close(listener) }
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                let code = errno
                if state.withLock({ $0.stopping }) { return }
                switch code {
                case EINTR, ECONNABORTED, EPROTO: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    usleep(10_000)
                    continue
                default:
                    return
                }
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            let accepted: Bool? = state.withLock { s in
                if s.stopping { return nil }
                if s.connections.count >= Self.maxConnections { return false }
                s.connections.insert(fd)
                return true
            }
            guard let accepted else {
                close(fd)
                return
            }
            guard accepted else {
                // Over the thread budget: say so without blocking the acceptor, and move on.
                let busy = HTTPResponse.error(503, "Too many connections", headers: [("Retry-After", "1")]).serialized(close: true)
                _ = busy.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                close(fd)
                continue
            }
            threads.enter()
            let connection = HTTPConnection(fd: fd, api: api, configuration: configuration)
            let thread = Thread { [self] in
                connection.serve()
                self.state.withLock { s in
                    s.connections.remove(fd)
                    close(fd)
                }
                self.threads.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Opens a listening IPv4 socket with `SO_REUSEADDR`; returns it and the port bound.
    private static func listen(host: String, port: UInt16) throws -> (Int32, UInt16) {
        let address = host == "localhost" ? "127.0.0.1" : host
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, address, &addr.sin_addr) == 1 else {
            throw EmulatorError("host '\(host)' is not an IPv4 address (use 127.0.0.1)")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw EmulatorError.system("socket", errno: errno) }
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw EmulatorError.system("cannot listen on \(host):\(port)", errno: code)
        }
        guard Glibc.listen(fd, 1024) == 0 else {
            let code = errno
            close(fd)
            throw EmulatorError.system("listen", errno: code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, UInt16(bigEndian: actual.sin_port))
    }
}
