import Dispatch
import Glibc

/// Blocking DNS exchanges over POSIX sockets, each bounded by a deadline.
///
/// The sockets are non-blocking and every wait is a `poll()` with the time left, so no call can
/// hang. The blocking part runs on a dedicated Dispatch queue and is bridged to async/await with
/// a continuation, so lookups never occupy the cooperative thread pool.
enum DNSTransport {
    /// Why one try on one server did not produce an answer; `reason` completes the sentence
    /// "DNS server 127.0.0.1:53 …".
    struct Failure: Error, Sendable {
        let reason: String
    }

    /// Threads for the blocking socket work, separate from Swift's cooperative pool.
    static let queue = DispatchQueue(label: "resource-batch.dns", qos: .utility, attributes: .concurrent)

    /// Runs blocking `work` on `queue` and resumes the caller with its result.
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    // MARK: - UDP

    /// Sends `query` to `server` and returns the first datagram for which `interpret` returns a
    /// value; datagrams it returns nil for (stray ids, other questions) are ignored. Throws when
    /// the deadline passes or the socket fails.
    static func udpExchange<T>(_ query: [UInt8], server: DNSServerAddress, timeout: Duration,
                               interpret: ([UInt8]) -> T?) throws(Failure) -> T {
        let deadline = ContinuousClock.now + timeout
        let fd = try openSocket(server, type: Int32(SOCK_DGRAM.rawValue))
        defer { close(fd) }
        // A connected UDP socket only receives datagrams from the server, and reports an ICMP
        // "port unreachable" as ECONNREFUSED instead of letting us wait for the timeout.
        try connectSocket(fd, server, deadline: deadline)
        let sent = query.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == query.count else { throw Failure(reason: "could not be sent the query: \(lastError())") }
        var buffer = [UInt8](repeating: 0, count: 65_535)
        while true {
            try waitFor(fd, events: Int16(POLLIN), deadline: deadline, what: "timed out")
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { continue }
                if code == ECONNREFUSED { throw Failure(reason: "refused the query (nothing listens on that port)") }
                throw Failure(reason: "could not be read from: \(lastError(code))")
            }
            if let value = interpret(Array(buffer[0..<n])) { return value }
        }
    }

    // MARK: - TCP

    /// Sends `query` over TCP with its 2-byte length prefix and returns the answer without it.
    static func tcpExchange(_ query: [UInt8], server: DNSServerAddress, timeout: Duration) throws(Failure) -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        let fd = try openSocket(server, type: Int32(SOCK_STREAM.rawValue))
        defer { close(fd) }
        try connectSocket(fd, server, deadline: deadline)
        let framed = [UInt8(query.count >> 8), UInt8(query.count & 0xFF)] + query
        var written = 0
        while written < framed.count {
            try waitFor(fd, events: Int16(POLLOUT), deadline: deadline, what: "timed out over TCP")
            let n = framed.withUnsafeBytes {
                send(fd, $0.baseAddress! + written, $0.count - written, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { continue }
                throw Failure(reason: "could not be sent the query over TCP: \(lastError(code))")
            }
            written += n
        }
        let prefix = try readExactly(fd, count: 2, deadline: deadline)
        let length = Int(prefix[0]) << 8 | Int(prefix[1])
        guard length > 0 else { throw Failure(reason: "sent an empty answer over TCP") }
        return try readExactly(fd, count: length, deadline: deadline)
    }

    private static func readExactly(_ fd: Int32, count: Int, deadline: ContinuousClock.Instant) throws(Failure) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var have = 0
        while have < count {
            try waitFor(fd, events: Int16(POLLIN), deadline: deadline, what: "timed out over TCP")
            let n = bytes.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + have, count - have, 0) }
            if n < 0 {
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { continue }
                throw Failure(reason: "could not be read from over TCP: \(lastError(code))")
            }
            if n == 0 { throw Failure(reason: "closed the TCP connection after \(have) of \(count) bytes") }
            have += n
        }
        return bytes
    }

    // MARK: - Sockets

    private static func openSocket(_ server: DNSServerAddress, type: Int32) throws(Failure) -> Int32 {
        let domain = server.family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(domain, type | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(reason: "could not be asked: no socket (\(lastError()))") }
        return fd
    }

    private static func connectSocket(_ fd: Int32, _ server: DNSServerAddress, deadline: ContinuousClock.Instant) throws(Failure) {
        let result = withSocketAddress(server) { connect(fd, $0, $1) }
        if result == 0 { return }
        let code = errno
        guard code == EINPROGRESS || code == EINTR else {
            if code == ECONNREFUSED { throw Failure(reason: "refused the connection") }
            throw Failure(reason: "could not be connected to: \(lastError(code))")
        }
        try waitFor(fd, events: Int16(POLLOUT), deadline: deadline, what: "timed out connecting over TCP")
        var soError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
        if soError == ECONNREFUSED { throw Failure(reason: "refused the TCP connection") }
        if soError != 0 { throw Failure(reason: "could not be connected to over TCP: \(lastError(soError))") }
    }

    /// Waits until `fd` is ready for `events` or throws `what` at the deadline.
    private static func waitFor(_ fd: Int32, events: Int16, deadline: ContinuousClock.Instant, what: String) throws(Failure) {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { throw Failure(reason: what) }
            let (seconds, attoseconds) = left.components
            let milliseconds = Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            var pfd = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&pfd, 1, max(1, milliseconds))
            if ready > 0 { return }  // readiness or an error condition: the next call reports it
            if ready < 0 && errno != EINTR { throw Failure(reason: "could not be waited for: \(lastError())") }
        }
    }

    private static func withSocketAddress<R>(_ server: DNSServerAddress,
                                             _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch server.family {
        case .ipv4:
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = server.port.bigEndian
            _ = inet_pton(AF_INET, server.host, &address.sin_addr)
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .ipv6:
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = server.port.bigEndian
            _ = inet_pton(AF_INET6, server.host, &address.sin6_addr)
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }

    private static func lastError(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
