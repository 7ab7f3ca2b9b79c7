import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately dumb HTTP/1.1 client over a blocking socket with a receive timeout, so tests
/// speak the exact bytes they mean (pipelining, malformed lines, huge headers) and never hang.
final class RawHTTPClient {
    /// The socket; -1 once given up. A throwing class initializer that has set every property
    /// still runs `deinit`, so a failed connect must not close the descriptor twice (the second
    /// close would hit whatever socket reused the number, in a parallel test).
    private(set) var fd: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16, timeout: Double = 5) throws {
        do {
            fd = try LoopbackConnection.open(port: port, timeout: timeout)
        } catch {
            fd = -1
            throw RawHTTPError(description: "\(error)")
        }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw RawHTTPError(description: "send failed: \(String(cString: strerror(errno)))") }
            offset += n
        }
    }

    /// Reads more bytes; false at end of stream or on reset. Throws on timeout.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
        if n == 0 || errno == ECONNRESET { return false }
        throw RawHTTPError(description: "recv failed: \(String(cString: strerror(errno)))")
    }

    /// True when the server closed the connection (end of stream or reset) without sending more.
    func isClosedByPeer() throws -> Bool {
        if !buffer.isEmpty { return false }
        return try !fill()
    }

    /// The next response, or `nil` when the connection ended before one began.
    func readResponse() throws -> RawResponse? {
        while true {
            if let end = headEnd() {
                let head = String(decoding: buffer[0..<end], as: UTF8.self)
                var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
                let statusLine = lines.removeFirst()
                let parts = statusLine.split(separator: " ")
                guard parts.count >= 2, let status = Int(parts[1]) else {
                    throw RawHTTPError(description: "bad status line \(statusLine)")
                }
                var headers: [String: String] = [:]
                for line in lines {
                    if let colon = line.firstIndex(of: ":") {
                        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    }
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                while buffer.count < end + length {
                    guard try fill() else { throw RawHTTPError(description: "connection closed inside a body") }
                }
                let body = Array(buffer[end..<(end + length)])
                buffer.removeFirst(end + length)
                if status == 100 { continue }
                return RawResponse(status: status, headers: headers, body: body)
            }
            guard try fill() else {
                if buffer.isEmpty { return nil }
                throw RawHTTPError(description: "connection closed inside a head")
            }
        }
    }

    private func headEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i + 4
        }
        return nil
    }

    /// Sends one request and reads its response.
    func request(_ method: String, _ path: String, headers: [String: String] = [:], body: String? = nil) throws -> RawResponse {
        try send(Self.format(method, path, headers: headers, body: body))
        guard let response = try readResponse() else { throw RawHTTPError(description: "connection closed without a response") }
        return response
    }

    static func format(_ method: String, _ path: String, headers: [String: String] = [:], body: String? = nil) -> String {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        if let body {
            if headers["Content-Type"] == nil { text += "Content-Type: application/json\r\n" }
            text += "Content-Length: \(body.utf8.count)\r\n"
        }
        text += "\r\n"
        if let body { text += body }
        return text
    }
}
