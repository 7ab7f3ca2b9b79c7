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
/// - `invalidate()` before the process exits (a live session can crash OpenSSL cleanup).
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
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
        session = URLSession(configuration: configuration)
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
        let result: Result<HTTPResponse, TransportError> = await withCheckedContinuation { continuation in
            // A completion handler, not `data(for:)`: the async variant cancels its URLSession task
            // when the Swift task is cancelled, which can deadlock on Linux.
            let task = session.dataTask(with: urlRequest) { data, response, error in
                continuation.resume(returning: Self.result(data: data, response: response, error: error))
            }
            task.resume()
        }
        await gate.leave()
        return try result.get()
    }

    private static func result(data: Data?, response: URLResponse?, error: (any Error)?) -> Result<HTTPResponse, TransportError> {
        if let error {
            return .failure(classify(error))
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(TransportError(.connectionLost, "the answer was not HTTP"))
        }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let k = key as? String { headers[k] = value as? String ?? "\(value)" }
        }
        return .success(HTTPResponse(status: http.statusCode, headers: headers, body: data ?? Data()))
    }

    /// Sorts URLSession's errors by whether the request may have reached the server.
    static func classify(_ error: any Error) -> TransportError {
        guard let urlError = error as? URLError else {
            return TransportError(.connectionLost, String(describing: error))
        }
        let text = "\(describe(urlError.code)) (URLError \(urlError.code.rawValue))"
        switch urlError.code {
        case .cannotFindHost, .cannotConnectToHost, .dnsLookupFailed, .notConnectedToInternet,
            .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected,
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
