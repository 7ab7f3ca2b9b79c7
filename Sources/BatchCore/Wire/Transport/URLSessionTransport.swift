// Left out of the release build (`make release` sets RESOURCE_BATCH_NO_URLSESSION): importing
// FoundationNetworking links libcurl at load time, so a `--static-swift-stdlib` executable would
// need libcurl's development files to link and would refuse to start without libcurl.so.4, even
// for `validate`. The release loads libcurl with dlopen only (`LibCurl`) and says what is missing.
#if !RESOURCE_BATCH_NO_URLSESSION
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The real transport: one `URLSession` for the whole run.
///
/// Built around the swift-corelibs-foundation traps of architecture.md:
/// - one session per run (all sessions share one serial queue);
/// - `httpMaximumConnectionsPerHost` = `concurrency`, and a `ConcurrencyGate` never hands the
///   session more requests than that, because the request time-out also runs while a request
///   waits in libcurl's queue;
/// - requests are never cancelled (cancelling can deadlock): a cancelled caller still waits for
///   its request to finish, so stop by handing out no more work;
/// - no URL cache, no cookies;
/// - no redirect is followed and bodies are bounded (`URLSessionCollector`, the session's delegate);
/// - `invalidate()` before the process exits (a live session can crash OpenSSL cleanup).
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
    private let collector = URLSessionCollector()
    private let gate: ConcurrencyGate
    /// The most requests in flight at once.
    public let concurrency: Int
    /// Whole-request time-out in seconds (`--timeout`).
    public let timeout: Double

    /// - Parameters:
    ///   - concurrency: connections per host and requests in flight (`--concurrency`), at least 1.
    ///   - timeout: seconds per request (`--timeout`, default 60).
    public init(concurrency: Int, timeout: Double = 60) {
        self.concurrency = max(1, concurrency)
        self.timeout = timeout.isFinite && timeout > 0 ? timeout : 60
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = self.concurrency
        configuration.timeoutIntervalForRequest = self.timeout
        configuration.timeoutIntervalForResource = self.timeout
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        // swift-corelibs-foundation sets no proxy option: libcurl reads the proxy variables by
        // itself, NO_PROXY included. So loopback (127.0.0.0/8, ::1) and `*` are put where it
        // reads them (`ProxyRules`), once, before the session's first transfer.
        let noProxy = ProxyRules(environment: ProcessInfo.processInfo.environment).noProxy
        setenv("no_proxy", noProxy, 1)
        setenv("NO_PROXY", noProxy, 1)
        // A delegate queue of one: callbacks for one task arrive in order.
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: configuration, delegate: collector, delegateQueue: queue)
        gate = ConcurrencyGate(limit: self.concurrency)
    }

    /// Lets requests in flight finish, then releases the session. Call once before exit; the
    /// transport cannot be used afterwards.
    public func invalidate() {
        session.finishTasksAndInvalidate()
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method.rawValue
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        urlRequest.httpShouldHandleCookies = false
        // No keep-alive. When a reused connection dies before answering, libcurl silently
        // re-sends the request on a new one, and swift-corelibs-foundation cannot rewind a
        // `Data` body for it: the retry goes out with its headers and no body, and then waits
        // for an answer the server never gives (it waits for the body) until the time-out,
        // spinning a core. One connection per request means no connection is ever reused, so
        // that retry never happens and a dropped connection is reported at once.
        urlRequest.setValue("close", forHTTPHeaderField: "Connection")

        await gate.enter()
        // The session's delegate, not `data(for:)`: the async variant cancels its URLSession task
        // when the Swift task is cancelled, which can deadlock on Linux; and not a completion
        // handler, with which swift-corelibs-foundation follows redirects without asking.
        let result = await collector.run(session.dataTask(with: urlRequest))
        await gate.leave()
        return try result.get()
    }

    /// Sorts URLSession's errors by whether the request may have reached the server.
    static func classify(_ error: any Error) -> TransportError {
        guard let urlError = error as? URLError else {
            return TransportError(.connectionLost, String(describing: error))
        }
        // On Linux a certificate failure comes as code -1 (unknown) with libcurl's own text as the
        // description ("SSL certificate problem: …"): that text says what happened.
        let detail = (error as NSError).localizedDescription
        let known = urlError.code != .unknown || detail.isEmpty || detail.hasPrefix("The operation could")
        let text = "\(describe(urlError.code)) (URLError \(urlError.code.rawValue)\(known ? "" : ": \(detail)"))"
        let certificateCodes: Set<URLError.Code> = [.serverCertificateUntrusted, .serverCertificateHasBadDate,
                                                    .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot]
        let lower = detail.lowercased()
        if certificateCodes.contains(urlError.code) || lower.contains("ssl certificate problem")
            || lower.contains("certificate subject name") {
            let host = urlError.failingURL?.host ?? "the server"
            let reason = CurlEasyHandle.certificateProblem(code: 60, detail: detail) ?? "the certificate could not be verified"
            return TransportError(.untrusted, "the TLS certificate of \(host) is not trusted: \(reason) (\(detail)); "
                + "to trust a private or corporate certificate authority, give the tool its CA certificate file (PEM)")
        }
        switch urlError.code {
        case .cannotFindHost, .cannotConnectToHost, .dnsLookupFailed, .notConnectedToInternet,
            .secureConnectionFailed, .clientCertificateRejected,
            .clientCertificateRequired, .cannotLoadFromNetwork, .internationalRoamingOff, .dataNotAllowed,
            .unsupportedURL, .badURL, .appTransportSecurityRequiresSecureConnection:
            return TransportError(.notConnected, text)
        case .timedOut:
            return TransportError(.timedOut, text)
        default:
            return TransportError(.connectionLost, text)
        }
    }

    private static func describe(_ code: URLError.Code) -> String {
        switch code {
        case .cannotFindHost: "host not found"
        case .cannotConnectToHost: "could not connect to the host"
        case .dnsLookupFailed: "DNS lookup failed"
        case .notConnectedToInternet: "no network"
        case .secureConnectionFailed: "TLS handshake failed"
        case .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
            .serverCertificateHasUnknownRoot:
            "the server's TLS certificate is not trusted"
        case .timedOut: "no answer within the time-out"
        case .networkConnectionLost: "the connection was lost"
        case .badServerResponse: "the server's answer was garbled"
        case .cancelled: "cancelled"
        default: "network error"
        }
    }
}
#endif
