import Foundation
import OnSchedEmulator
#if canImport(Glibc)
import Glibc
#endif

public struct E2EError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// An emulator running inside the test process on an ephemeral loopback port, for the built
/// binary to talk to, and read back through its admin endpoints (`/emulator/...`).
public final class LoopbackEmulator: Sendable {
    public let server: EmulatorServer
    public let url: URL
    public let port: UInt16

    /// The credentials the binary is given unless a test says otherwise.
    public static let clientId = "sbox-test"
    public static let clientSecret = "secret-xyz"

    /// An emulator with exactly `configuration`, on an ephemeral port unless it names one.
    public init(configuration: EmulatorConfiguration) throws {
        server = EmulatorServer(configuration: configuration)
        url = try server.start()
        guard let bound = url.port else { throw E2EError("the emulator's URL \(url) has no port") }
        self.port = UInt16(bound)
    }

    public init(rateLimit: Double? = nil, faults: String? = nil, seed: UInt64 = 1,
         clientId: String? = nil, clientSecret: String? = nil, port: UInt16 = 0, dataDirectory: String? = nil,
         host: String = "127.0.0.1", retryAfter: Int = 1) throws {
        var configuration = EmulatorConfiguration(host: host, port: port, dataDirectory: dataDirectory, rateLimit: rateLimit, seed: seed,
                                                  clientId: clientId, clientSecret: clientSecret)
        configuration.retryAfter = retryAfter
        if let faults { configuration.faults = try FaultSpec(parsing: faults) }
        server = EmulatorServer(configuration: configuration)
        url = try server.start()
        guard let bound = url.port else { throw E2EError("the emulator's URL \(url) has no port") }
        self.port = UInt16(bound)
    }

    deinit { server.stop() }

    public func stop() { server.stop() }

    /// `--api-url URL`.
    public var apiArguments: [String] { ["--api-url", url.absoluteString] }

    // MARK: - admin endpoints

    public func admin(_ method: String, _ path: String, json: Any? = nil) throws -> (status: Int, body: Data) {
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0) }
        return try LoopbackHTTP.request(port: port, method: method, path: path, body: body)
    }

    /// Every resource the emulator holds (`GET /emulator/resources`), as JSON objects.
    public func resources() throws -> [[String: Any]] {
        let (status, body) = try admin("GET", "/emulator/resources")
        guard status == 200, let list = try JSONSerialization.jsonObject(with: body) as? [[String: Any]] else {
            throw E2EError("GET /emulator/resources answered \(status): \(String(decoding: body, as: UTF8.self).prefix(300))")
        }
        return list
    }

    /// The resources' raw JSON, for byte-level comparisons independent of key order.
    public func resourcesCanonical() throws -> [String] {
        try resources().map { try LoopbackEmulator.canonical($0) }
    }

    public static func canonical(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// `GET /emulator/stats`: requests, creates, updates, throttled, faults, bulkCreateCalls, bulkUpdateCalls.
    public func stats() throws -> [String: Int] {
        let (status, body) = try admin("GET", "/emulator/stats")
        guard status == 200, let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw E2EError("GET /emulator/stats answered \(status)")
        }
        return object.compactMapValues { ($0 as? NSNumber)?.intValue }
    }

    /// Loads resources as they are (`POST /emulator/seed`); returns them as stored (with ids).
    @discardableResult
    public func seed(_ resources: [[String: Any]]) throws -> [[String: Any]] {
        let (status, body) = try admin("POST", "/emulator/seed", json: ["resources": resources])
        guard status == 200, let list = try JSONSerialization.jsonObject(with: body) as? [[String: Any]] else {
            throw E2EError("POST /emulator/seed answered \(status): \(String(decoding: body, as: UTF8.self).prefix(500))")
        }
        return list
    }

    /// Marks a resource's calendar authorized, as if the person had followed the link.
    public func authorize(_ id: String) throws {
        let (status, body) = try admin("POST", "/emulator/authorize/\(id)")
        guard status == 200 else { throw E2EError("authorize \(id) answered \(status): \(String(decoding: body, as: UTF8.self))") }
    }

    public func reset() throws {
        let (status, _) = try admin("POST", "/emulator/reset")
        guard status == 200 else { throw E2EError("reset answered \(status)") }
    }
}

/// One HTTP/1.1 request over a fresh loopback socket, with receive/send time limits so a test
/// never hangs on it. Enough for the emulator's admin endpoints.
public enum LoopbackHTTP {
    public static func request(port: UInt16, method: String, path: String, body: Data? = nil,
                        headers: [String: String] = [:], timeout: Int = 30) throws -> (status: Int, body: Data) {
        let fd: Int32
        do {
            fd = try LoopbackConnection.open(port: port, timeout: Double(timeout))
        } catch {
            throw E2EError("\(error)")
        }
        defer { close(fd) }

        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        else if method == "POST" || method == "PUT" { head += "Content-Length: 0\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if let body { bytes += Array(body) }
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw E2EError("send failed: \(String(cString: strerror(errno)))") }
            sent += n
        }

        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headEnd: Int?
        var length: Int?
        while true {
            if headEnd == nil, let end = findHeadEnd(buffer) {
                headEnd = end
                let text = String(decoding: buffer[0..<end], as: UTF8.self)
                for line in text.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
                }
            }
            if let headEnd, let length, buffer.count >= headEnd + length { break }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { buffer += chunk[0..<n]; continue }
            if n == 0 { break }
            if errno == EINTR { continue } // a signal (another test's child ending), not an error
            throw E2EError("recv from 127.0.0.1:\(port)\(path) failed: \(String(cString: strerror(errno)))")
        }
        guard let headEnd else { throw E2EError("no HTTP answer from 127.0.0.1:\(port)\(path)") }
        let statusLine = String(decoding: buffer[0..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")[0]
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw E2EError("bad status line \(statusLine)") }
        let end = length.map { min(buffer.count, headEnd + $0) } ?? buffer.count
        return (status, Data(buffer[headEnd..<end]))
    }

    private static func findHeadEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i + 4 }
        return nil
    }

    /// A loopback port nothing listens on (bound, then released).
    public static func unusedPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw E2EError("socket failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw E2EError("bind failed") }
        var out = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &out) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return UInt16(bigEndian: out.sin_port)
    }
}
