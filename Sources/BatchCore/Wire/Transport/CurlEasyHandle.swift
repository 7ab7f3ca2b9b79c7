import BatchModel
import Foundation

/// One libcurl easy handle and the connections it keeps: performs one request at a time,
/// blocking the calling thread (a `CurlTransport` worker), and never lets libcurl re-send a POST.
///
/// A handle reuses its kept-alive connection for every request. libcurl silently re-sends a
/// request whose *reused* connection died before any answer; for GET, PUT and DELETE that is
/// harmless (idempotent), but a create re-sent that way could be created twice without the client
/// ever knowing. So a POST (a create, or a token request) carries a prerequest callback
/// (`CURLOPT_PREREQFUNCTION`, which libcurl calls before each attempt at sending a request): the
/// first attempt goes ahead, any further one is aborted, and the transfer fails with a
/// `TransportError` of kind `connectionLost` (the request may have reached the server); the import
/// then looks the create up before sending it again. Where libcurl does not know that option (older
/// than 7.80), a POST goes out on a fresh connection that is closed afterwards, as before.
///
/// Issue 17: a fresh TCP connection per create chunk (connect, accept, close on both sides) was
/// about 2–3 µs of the client's system time per row.
final class CurlEasyHandle {
    private let curl: LibCurl
    private let handle: LibCurl.Handle
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: LibCurl.errorBufferSize)

    /// Hosts never reached through a proxy (`ProxyRules`): loopback and the environment's own list.
    private let noProxy: String
    /// The CA certificates to trust instead of the system store (`CAINFO`), if any.
    private let caFile: String?

    init?(curl: LibCurl, caFile: String? = nil) {
        guard let handle = curl.easyInit() else { return nil }
        self.curl = curl
        self.handle = handle
        self.caFile = caFile
        noProxy = ProxyRules(environment: ProcessInfo.processInfo.environment).noProxy
    }

    deinit {
        curl.easyCleanup(handle)
        errorBuffer.deallocate()
    }

    /// libcurl's receive buffer for this handle (`CURLOPT_BUFFERSIZE`).
    static let receiveBufferSize = 256 * 1024

    /// Sends `request` and waits for the whole answer, or for `timeout` seconds at most.
    func perform(_ request: HTTPRequest, timeout: Double) -> Result<HTTPResponse, TransportError> {
        curl.easyReset(handle)
        let sink = ResponseSink()
        var headerList: OpaquePointer?
        defer { curl.slistFreeAll(headerList) }
        // A line break is looked for among the value's bytes: Foundation's `contains` of a string
        // went through NSString, ~10,000 instructions a header (issue 17: ~600 a row).
        for (name, value) in request.headers where !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
            headerList = curl.slistAppend(headerList, "\(name): \(value)")
        }
        // No `Expect: 100-continue` round trip before a body: the server answers within one request.
        headerList = curl.slistAppend(headerList, "Expect:")
        let milliseconds = Int(min(max(timeout, 0.001), 86_400) * 1000)
        let code: Int32 = request.url.absoluteString.withCString { url in
            curl.set(handle, .url, url)
            curl.set(handle, .httpHeader, UnsafeRawPointer(headerList))
            curl.set(handle, .noSignal, 1)
            curl.set(handle, .protocols, LibCurl.httpAndHTTPS)
            curl.set(handle, .redirectProtocols, LibCurl.httpAndHTTPS)
            // Never follow a redirect: the Authorization header (or the client secret) would go
            // along to wherever it points. A 3xx comes back as an answer, and the client refuses it.
            curl.set(handle, .followLocation, 0)
            // A bulk answer is ~190 KB: read in libcurl's default 16 KB it took a dozen recv and
            // poll calls and body callbacks (issue 17); 256 KB takes it in one or two. (libcurl
            // allows up to 512 KB since 7.53 and keeps its default when refused.)
            curl.set(handle, .bufferSize, Self.receiveBufferSize)
            curl.set(handle, .timeoutMS, milliseconds)
            curl.set(handle, .connectTimeoutMS, milliseconds)
            _ = noProxy.withCString { curl.set(handle, .noProxy, $0) }
            // A loopback API never goes through a proxy, whatever the environment says (an empty
            // PROXY turns libcurl's own reading of the environment off).
            if ProxyRules.isLoopback(request.url.host ?? "") {
                curl.set(handle, .proxy, UnsafeRawPointer(("" as StaticString).utf8Start))
            }
            if let caFile { _ = caFile.withCString { curl.set(handle, .caInfo, $0) } }
            curl.set(handle, .acceptEncoding, UnsafeRawPointer(("" as StaticString).utf8Start))
            curl.set(handle, .writeFunction, ResponseSink.receiveBody)
            curl.set(handle, .headerFunction, ResponseSink.receiveHeader)
            let sinkPointer = UnsafeRawPointer(Unmanaged.passUnretained(sink).toOpaque())
            curl.set(handle, .writeData, sinkPointer)
            curl.set(handle, .headerData, sinkPointer)
            if request.method == .post {
                // Sent once at most: a second attempt (a re-send on a fresh connection after the
                // reused one died) is aborted before a byte of it goes out.
                let guarded = curl.set(handle, .prereqFunction, ResponseSink.allowFirstAttemptOnly) == LibCurl.ok
                    && curl.set(handle, .prereqData, sinkPointer) == LibCurl.ok
                if !guarded {
                    curl.set(handle, .prereqFunction, UnsafeRawPointer?.none)
                    curl.set(handle, .freshConnect, 1)
                    curl.set(handle, .forbidReuse, 1)
                }
            }
            errorBuffer[0] = 0
            curl.set(handle, .errorBuffer, UnsafeRawPointer(errorBuffer))
            return withExtendedLifetime(sink) { send(request) }
        }
        if sink.attempts > 1 {
            // 42 (CURLE_ABORTED_BY_CALLBACK) from the prerequest callback: libcurl wanted to send the
            // POST again, because the reused connection died after it was (perhaps wholly) sent.
            return .failure(TransportError(
                .connectionLost, "the connection was lost after the request was sent (not sent again: it may have been applied)"))
        }
        // 23 (CURLE_WRITE_ERROR): our body callback stopped reading an over-long answer.
        if code == 23, let cut = sink.cut {
            switch cut {
            case .errorBodyTruncated:
                break  // an error answer, complete enough for its message: the rest is discarded
            case .tooLarge:
                return .failure(TransportError(
                    .connectionLost, "the answer was larger than \(HTTPResponse.maxBodyBytes / (1024 * 1024)) MiB; stopped reading it"))
            }
        } else if code != 0 {
            let failure = classify(code, host: request.url.host ?? "")
            if sink.attempts > 0 && failure.kind == .notConnected {
                // The POST reached libcurl's DO state, so it may have been written; what failed
                // to connect was libcurl's attempt at sending it again (a reused connection that
                // died, then a server that no longer accepts). "Never sent" would let the
                // caller send a create that may have been applied.
                return .failure(TransportError(.connectionLost, "\(failure.message) (after the request may have been sent)"))
            }
            return .failure(failure)
        }
        let status = curl.info(handle, .responseCode)
        guard status >= 100 else {
            return .failure(TransportError(.connectionLost, "the server's answer was not HTTP"))
        }
        return .success(HTTPResponse(status: status, headers: sink.headers, body: sink.body))
    }

    /// Sets the method and body, then runs the transfer. The body stays in our memory for the whole
    /// transfer (`POSTFIELDS` does not copy it), so libcurl can rewind it if it needs to.
    private func send(_ request: HTTPRequest) -> Int32 {
        switch request.method {
        case .get where request.body == nil:
            curl.set(handle, .httpGet, 1)
            return curl.easyPerform(handle)
        default:
            if request.method != .post {
                _ = request.method.rawValue.withCString { curl.set(handle, .customRequest, $0) }
            }
            let body = request.body ?? Data()
            return body.withUnsafeBytes { bytes in
                curl.set(handle, .postFieldSizeLarge, bytes.count)
                // A non-null pointer even for an empty body, or libcurl would read the body from stdin.
                curl.set(handle, .postFields, bytes.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start))
                return curl.easyPerform(handle)
            }
        }
    }

    /// Sorts libcurl's failures by whether the request may have reached the server.
    private func classify(_ code: Int32, host: String) -> TransportError {
        let detail = String(cString: errorBuffer)
        let text = "\(Self.describe(code) ?? curl.describe(code)) (curl \(code)\(detail.isEmpty ? "" : ": \(detail)"))"
        if let reason = Self.certificateProblem(code: code, detail: detail) {
            return TransportError(.untrusted, "the TLS certificate of \(host) is not trusted: \(reason) (curl \(code): \(detail)); "
                + "to trust a private or corporate certificate authority, give the tool its CA certificate file (PEM)")
        }
        switch code {
        case 1, 3, 4, 5, 6, 7, 35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91, 98:
            // Unsupported or malformed URL, no proxy or host, refused connection, TLS set-up or
            // certificate failures: the request itself was never written.
            return TransportError(.notConnected, text)
        case 28:
            // A time-out before a single byte of the request was written (connect, TLS) sent nothing.
            return TransportError(curl.info(handle, .requestSize) == 0 ? .notConnected : .timedOut, text)
        default:
            return TransportError(.connectionLost, text)
        }
    }

    /// Why a certificate was refused, in words, when `code` is a certificate failure: 60 (peer
    /// verification), 51 (name), 77 (the CA file itself cannot be read), or 35 with a
    /// certificate reason in the detail.
    static func certificateProblem(code: Int32, detail: String) -> String? {
        let d = detail.lowercased()
        if code == 77 { return "the CA certificate file cannot be used" }
        guard code == 60 || code == 51 || (code == 35 && d.contains("certificate")) else { return nil }
        if d.contains("expired") { return "its certificate has expired" }
        if d.contains("not yet valid") { return "its certificate is not valid yet" }
        if code == 51 || d.contains("subject name") || d.contains("does not match") || d.contains("no alternative") {
            return "the certificate is for another host name"
        }
        if d.contains("issuer") || d.contains("self-signed") || d.contains("self signed") || d.contains("unknown ca") {
            return "it is signed by an unknown certificate authority"
        }
        return "the certificate could not be verified"
    }

    private static func describe(_ code: Int32) -> String? {
        switch code {
        case 6: "host not found"
        case 7: "could not connect to the host"
        case 28: "no answer within the time-out"
        case 35: "TLS handshake failed"
        case 51, 60: "the server's TLS certificate is not trusted"
        case 52: "the server closed the connection without answering"
        case 55, 56: "the connection was lost"
        case 8: "the server's answer was garbled"
        default: nil
        }
    }
}

/// Where libcurl's callbacks put one answer's header lines and body bytes.
///
/// Bodies are bounded: an error answer (not 2xx) keeps its first `HTTPResponse.maxErrorBodyBytes`
/// and the transfer stops there; a 2xx answer over `HTTPResponse.maxBodyBytes` stops the transfer
/// and fails. Stopping (returning less than was offered) makes libcurl end the transfer with
/// CURLE_WRITE_ERROR and close the connection, so the rest is never read.
private final class ResponseSink {
    enum Cut {
        case errorBodyTruncated
        case tooLarge
    }

    /// The body as it arrives, in the `Data` the response carries (no copy at the end), with
    /// room for the announced `Content-Length` reserved before the first bytes: a bulk answer of
    /// 100 resources is about 200 KB, and growing a buffer to that size copied it several times.
    var body = Data()
    /// The `Content-Length` header's value, if the answer sent one.
    var contentLength: Int?
    var headers: [String: String] = [:]
    /// The status of the last status line seen (interim 1xx lines come first).
    var status = 0
    /// Why the body callback stopped the transfer, if it did.
    var cut: Cut?
    /// How often libcurl was about to send the request (``allowFirstAttemptOnly``, POST only).
    var attempts = 0

    /// The prerequest callback of a POST: lets the first attempt at sending it go, aborts any other.
    static let allowFirstAttemptOnly: LibCurl.PrereqCallback = { context, _, _, _, _ in
        guard let context else { return LibCurl.prereqAbort }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        sink.attempts += 1
        return sink.attempts == 1 ? LibCurl.prereqOK : LibCurl.prereqAbort
    }

    static let receiveBody: LibCurl.DataCallback = { data, size, count, context in
        let total = size * count
        guard let data, let context else { return total }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        let isError = !(200..<300).contains(sink.status)
        let limit = isError ? HTTPResponse.maxErrorBodyBytes : HTTPResponse.maxBodyBytes
        let room = max(0, limit - sink.body.count)
        let kept = min(room, total)
        if sink.body.isEmpty, let announced = sink.contentLength, announced > kept {
            // Data's reserveCapacity does nothing on an empty Data: start from storage that size.
            sink.body = Data(capacity: min(announced, limit))
        }
        data.withMemoryRebound(to: UInt8.self, capacity: total) { sink.body.append(UnsafeBufferPointer(start: $0, count: kept)) }
        if kept < total {
            sink.cut = isError ? .errorBodyTruncated : .tooLarge
            return 0
        }
        return total
    }

    /// One header line per call, the status line of every answer included (an interim
    /// `100 Continue` comes before the real one, so a status line starts the headers afresh).
    static let receiveHeader: LibCurl.DataCallback = { data, size, count, context in
        let total = size * count
        guard let data, let context else { return total }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        let line = data.withMemoryRebound(to: UInt8.self, capacity: total) {
            String(decoding: UnsafeBufferPointer(start: $0, count: total), as: UTF8.self)
        }
        if line.hasPrefix("HTTP/") {
            sink.headers = [:]
            sink.contentLength = nil
            let parts = line.split(separator: " ", maxSplits: 2)
            sink.status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        } else if let colon = line.firstIndex(of: ":") {
            let name = WhitespaceTrim.whitespaces(String(line[..<colon]))
            let value = WhitespaceTrim.whitespacesAndNewlines(String(line[line.index(after: colon)...]))
            if name.lowercased() == "content-length" { sink.contentLength = Int(value) }
            if !name.isEmpty {
                if let previous = sink.headers[name] {
                    sink.headers[name] = previous + ", " + value
                } else {
                    sink.headers[name] = value
                }
            }
        }
        return total
    }
}
