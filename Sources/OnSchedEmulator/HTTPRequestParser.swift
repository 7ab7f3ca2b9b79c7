import Foundation

/// An incremental HTTP/1.x request parser over bytes: feed it what `recv` returned, take out
/// complete requests one by one (pipelining), or the status to answer before closing.
///
/// Pure (no I/O), so its decisions are tested without a socket.
struct HTTPRequestParser {
    /// What ``next()`` found.
    enum Event {
        /// A complete request; more may follow in the buffer.
        case request(HTTPRequest)
        /// Not enough bytes yet. `expectsContinue` is true once a head with
        /// `Expect: 100-continue` was read and its body has not arrived.
        case needMore(expectsContinue: Bool)
        /// The bytes are not an acceptable request: answer this status and close.
        case failure(status: Int, message: String)
    }

    private struct Head {
        var method: String
        var target: String
        var minorVersion: Int
        var headers: [(name: String, value: String)]
        var contentLength: Int
        var expectsContinue: Bool
    }

    let maxHeaderBytes: Int
    let maxBodyBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanFrom = 0
    private var pendingHead: Head?

    init(maxHeaderBytes: Int, maxBodyBytes: Int) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// Bytes received and not yet consumed by a returned request.
    var bufferedCount: Int { buffer.count - start }

    /// Appends received bytes.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            scanFrom -= start
            start = 0
        } else if start > 65536 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            scanFrom -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Appends received bytes (convenience for tests).
    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next complete request, or what is missing, or why the stream is unacceptable.
    mutating func next() -> Event {
        if pendingHead == nil {
            // Tolerate empty lines before a request line (RFC 9112 §2.2).
            while start < buffer.count, buffer[start] == 0x0D || buffer[start] == 0x0A {
                start += 1
                scanFrom = max(scanFrom, start)
            }
            guard let headEnd = findHeadEnd() else {
                if buffer.count - start > maxHeaderBytes {
                    return .failure(status: 431, message: "request header fields are larger than \(maxHeaderBytes) bytes")
                }
                return .needMore(expectsContinue: false)
            }
            if headEnd - start > maxHeaderBytes {
                return .failure(status: 431, message: "request header fields are larger than \(maxHeaderBytes) bytes")
            }
            switch parseHead(buffer[start..<headEnd]) {
            case .success(let head):
                pendingHead = head
                start = headEnd
                scanFrom = headEnd
            case .failure(let failure):
                return .failure(status: failure.status, message: failure.message)
            }
        }
        guard let head = pendingHead else { return .needMore(expectsContinue: false) }
        guard buffer.count - start >= head.contentLength else {
            return .needMore(expectsContinue: head.expectsContinue)
        }
        let body = Array(buffer[start..<(start + head.contentLength)])
        start += head.contentLength
        scanFrom = start
        pendingHead = nil
        return .request(HTTPRequest(method: head.method, target: head.target, minorVersion: head.minorVersion,
                                    headers: head.headers, body: body))
    }

    /// Index just past the blank line ending the head (CRLF CRLF, or bare LF LF), if present.
    private mutating func findHeadEnd() -> Int? {
        var i = max(scanFrom, start)
        let end = buffer.count
        while i < end {
            if buffer[i] == 0x0A {
                if i + 1 < end && buffer[i + 1] == 0x0A { return i + 2 }
                if i + 2 < end && buffer[i + 1] == 0x0D && buffer[i + 2] == 0x0A { return i + 3 }
                if i + 1 >= end || (i + 2 >= end && buffer[i + 1] == 0x0D) {
                    scanFrom = i
                    return nil
                }
            }
            i += 1
        }
        scanFrom = end
        return nil
    }

    private struct Failure: Error {
        var status: Int
        var message: String
    }

    private func parseHead(_ bytes: ArraySlice<UInt8>) -> Result<Head, Failure> {
        // Split bytes, not Characters: "\r\n" is one Character in Swift.
        var lines: [Substring] = []
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let trimmed = line.last == 0x0D ? line.dropLast() : line
            lines.append(String(decoding: trimmed, as: UTF8.self)[...])
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let requestLine = lines.first else { return .failure(Failure(status: 400, message: "empty request")) }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty,
              parts[0].utf8.allSatisfy({ Self.isTokenByte($0) }) else {
            return .failure(Failure(status: 400, message: "malformed request line"))
        }
        let method = String(parts[0])
        let target = String(parts[1])
        guard target.hasPrefix("/"), !target.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            return .failure(Failure(status: 400, message: "malformed request target"))
        }
        let minor: Int
        switch parts[2] {
        case "HTTP/1.1": minor = 1
        case "HTTP/1.0": minor = 0
        default:
            if parts[2].hasPrefix("HTTP/") && parts[2].count == 8 {
                return .failure(Failure(status: 505, message: "only HTTP/1.0 and HTTP/1.1 are served"))
            }
            return .failure(Failure(status: 400, message: "malformed request line"))
        }
        var headers: [(name: String, value: String)] = []
        var contentLength: Int?
        var expectsContinue = false
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                return .failure(Failure(status: 400, message: "malformed header line"))
            }
            let name = line[..<colon]
            guard !name.isEmpty, name.utf8.allSatisfy({ Self.isTokenByte($0) }) else {
                return .failure(Failure(status: 400, message: "malformed header name"))
            }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: [" ", "\t"])
            let lower = name.lowercased()
            headers.append((lower, value))
            switch lower {
            case "content-length":
                guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), value.utf8.count <= 18,
                      let length = Int(value) else {
                    return .failure(Failure(status: 400, message: "invalid Content-Length"))
                }
                if let previous = contentLength, previous != length {
                    return .failure(Failure(status: 400, message: "conflicting Content-Length headers"))
                }
                contentLength = length
            case "transfer-encoding":
                return .failure(Failure(status: 411, message: "Transfer-Encoding is not supported; send a Content-Length"))
            case "expect":
                if value.lowercased() == "100-continue" { expectsContinue = true }
            default:
                break
            }
        }
        let length = contentLength ?? 0
        if length > maxBodyBytes {
            return .failure(Failure(status: 413, message: "request body is larger than \(maxBodyBytes) bytes"))
        }
        return .success(Head(method: method, target: target, minorVersion: minor, headers: headers,
                             contentLength: length, expectsContinue: expectsContinue && length > 0))
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
