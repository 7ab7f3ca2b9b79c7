// Left out of the release build with URLSessionTransport (RESOURCE_BATCH_NO_URLSESSION).
#if !RESOURCE_BATCH_NO_URLSESSION
import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The delegate of `URLSessionTransport`'s session: gathers each task's answer, bounded, refuses
/// every redirect, and hands the outcome to the caller waiting for that task.
///
/// A session delegate rather than completion handlers because swift-corelibs-foundation follows
/// redirects by itself for completion-handler tasks (the delegate is never asked), and a followed
/// redirect carries the `Authorization` header to wherever it points. Refused, the 3xx answer
/// comes back as it is, and the client turns it into an error naming its `Location`.
/// Bodies are bounded as `CurlTransport` bounds them: an error answer keeps its first
/// `HTTPResponse.maxErrorBodyBytes` (the rest is dropped as it arrives), and a 2xx answer over
/// `HTTPResponse.maxBodyBytes` fails.
final class URLSessionCollector: NSObject, URLSessionDataDelegate, Sendable {
    typealias Outcome = Result<HTTPResponse, TransportError>

    private struct Pending {
        var continuation: CheckedContinuation<Outcome, Never>
        var body = Data()
        var tooLarge = false
    }

    private let pending = Mutex<[Int: Pending]>([:])

    /// Runs `task` (not yet resumed) and waits for its outcome.
    func run(_ task: URLSessionDataTask) async -> Outcome {
        await withCheckedContinuation { continuation in
            pending.withLock { $0[task.taskIdentifier] = Pending(continuation: continuation) }
            task.resume()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let status = (dataTask.response as? HTTPURLResponse)?.statusCode ?? 0
        let isError = !(200..<300).contains(status)
        pending.withLock { all in
            guard var entry = all[dataTask.taskIdentifier] else { return }
            let limit = isError ? HTTPResponse.maxErrorBodyBytes : HTTPResponse.maxBodyBytes
            let room = max(0, limit - entry.body.count)
            entry.body.append(data.prefix(room))
            if data.count > room, !isError { entry.tooLarge = true }
            all[dataTask.taskIdentifier] = entry
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let entry = pending.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        entry.continuation.resume(returning: Self.outcome(entry, response: task.response, error: error))
    }

    private static func outcome(_ entry: Pending, response: URLResponse?, error: (any Error)?) -> Outcome {
        if let error { return .failure(URLSessionTransport.classify(error)) }
        if entry.tooLarge {
            return .failure(TransportError(
                .connectionLost, "the answer was larger than \(HTTPResponse.maxBodyBytes / (1024 * 1024)) MiB"))
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(TransportError(.connectionLost, "the answer was not HTTP"))
        }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let k = key as? String { headers[k] = value as? String ?? "\(value)" }
        }
        return .success(HTTPResponse(status: http.statusCode, headers: headers, body: entry.body))
    }
}
#endif
