import Foundation
import Glibc
import Synchronization

/// A tiny HTTP/1.1 server on a loopback port whose every answer is decided by a script, recording
/// which connection each request came on and how many body bytes arrived: the peer that shows
/// what a transport really puts on the wire (connection reuse, re-sends, bodies).
final class ScriptedHTTPServer: Sendable {
    /// One request as the server read it.
    struct Seen: Sendable, Equatable {
        var connection: Int
        var method: String
        var path: String
        var bodyBytes: Int
    }

    /// What to do with a request.
    enum Action: Sendable {
        case respond(status: Int, headers: [String: String], body: String)
        /// Close the connection without a byte of answer.
        case drop
        /// Read the request, then answer nothing and keep the connection open.
        case stall
        /// Answer (an empty 200), then close the connection, as an idle keep-alive time-out would.
        case respondThenClose
        /// Stop listening (new connections are refused), then close the connection without a
        /// byte of answer: a server that went down after reading the request.
        case dropAndGoDown
    }

    /// Gets the request and its 0-based index among all requests.
    typealias Script = @Sendable (Seen, Int) -> Action

    let port: UInt16
    private let listener: Int32
    private let script: Script
    private let seen = Mutex<[Seen]>([])
    private let connections = Mutex(0)
    private let stopped = Mutex(false)

    init(script: @escaping Script) throws {
        let socket = try LoopbackTestSocket(type: Int32(SOCK_STREAM.rawValue), port: 0)
        guard listen(socket.fd, 16) == 0 else {
            socket.close()
            throw ServerError("listen: errno \(errno)")
        }
        listener = socket.fd
        port = socket.port
        self.script = script
        Thread { [self] in acceptLoop() }.start()
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }
    /// Every request read so far, in order.
    var requests: [Seen] { seen.withLock { $0 } }
    /// Connections accepted so far.
    var connectionCount: Int { connections.withLock { $0 } }

    /// Stops accepting: the listener stops listening at once (a new connection is refused), and
    /// the accepting thread closes it. Closed here instead, its descriptor number could be given
    /// to another test's new listener before the accepting thread's next `accept`, which would
    /// then take that test's connections and close them unanswered (a "connection reset by peer"
    /// in an unrelated test, as the tests run in parallel).
    func stop() {
        stopped.withLock { $0 = true }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        defer { close(listener) }
        while !stopped.withLock({ $0 }) {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            if stopped.withLock({ $0 }) {
                close(client)
                return
            }
            let index = connections.withLock { count in
                count += 1
                return count
            }
            Thread { [self] in serve(client, connection: index) }.start()
        }
    }

    private func serve(_ fd: Int32, connection: Int) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        defer { close(fd) }
        while !stopped.withLock({ $0 }) {
            // Read one request head, then its Content-Length body.
            var headEnd: Int?
            while headEnd == nil {
                if let end = Self.find([13, 10, 13, 10], in: buffer) { headEnd = end + 4; break }
                let n = recv(fd, &chunk, chunk.count, 0)
                // A signal (the SIGCHLD of another test's child process) interrupts recv: that is
                // no end of the connection, and closing it then would reset the client's request.
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                buffer.append(contentsOf: chunk[0..<n])
            }
            let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
            let lines = head.components(separatedBy: "\r\n")
            let parts = lines[0].split(separator: " ")
            var contentLength = 0
            for line in lines.dropFirst() {
                let pair = line.split(separator: ":", maxSplits: 1)
                if pair.count == 2, pair[0].lowercased() == "content-length" {
                    contentLength = Int(pair[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            while buffer.count < headEnd! + contentLength {
                let n = recv(fd, &chunk, chunk.count, 0)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                buffer.append(contentsOf: chunk[0..<n])
            }
            let bodyBytes = min(contentLength, buffer.count - headEnd!)
            buffer.removeFirst(headEnd! + bodyBytes)
            let request = Seen(connection: connection, method: parts.count > 0 ? String(parts[0]) : "",
                               path: parts.count > 1 ? String(parts[1]) : "", bodyBytes: bodyBytes)
            let index = seen.withLock { list in
                list.append(request)
                return list.count - 1
            }
            switch script(request, index) {
            case .drop:
                return
            case .stall:
                while !stopped.withLock({ $0 }) { usleep(20_000) }
                return
            case .dropAndGoDown:
                stop()
                return
            case .respondThenClose:
                let bytes = Array("HTTP/1.1 200 Scripted\r\nContent-Length: 2\r\n\r\n{}".utf8)
                _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                return
            case .respond(let status, let headers, let body):
                var text = "HTTP/1.1 \(status) Scripted\r\nContent-Length: \(body.utf8.count)\r\n"
                for (name, value) in headers { text += "\(name): \(value)\r\n" }
                text += "\r\n" + body
                let bytes = Array(text.utf8)
                var sent = 0
                while sent < bytes.count {
                    let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { return }
                    sent += n
                }
            }
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }

    struct ServerError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
