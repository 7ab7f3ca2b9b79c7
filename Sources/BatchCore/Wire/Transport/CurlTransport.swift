import Foundation

/// The tool's transport: a fixed pool of `concurrency` threads, each driving one libcurl easy
/// handle (`CurlEasyHandle`), fed first-come, first-served from a `CurlJobQueue`.
///
/// Preferred over `URLSessionTransport` because FoundationNetworking's libcurl event loop on Linux
/// busy-polls a core while an answer is awaited on a fresh connection (see `LibCurl`), and because
/// here the transport decides which requests may reuse a connection: never a POST, so libcurl never
/// silently re-sends a create. A queued request's time-out starts only when a worker sends it.
public final class CurlTransport: HTTPTransport {
    /// The most requests in flight at once (worker threads and connections).
    public let concurrency: Int
    /// Whole-request time-out in seconds (`--timeout`).
    public let timeout: Double
    private let queue = CurlJobQueue()

    /// Starts the workers; nil when libcurl cannot be loaded on this machine.
    /// - Parameters:
    ///   - concurrency: worker threads (`--concurrency`), at least 1.
    ///   - timeout: seconds per request (`--timeout`, default 60).
    ///   - caFile: PEM file of the CA certificates to trust instead of the system store.
    public init?(concurrency: Int, timeout: Double = 60, caFile: String? = nil) {
        guard let curl = LibCurl.shared else { return nil }
        self.concurrency = max(1, concurrency)
        self.timeout = timeout.isFinite && timeout > 0 ? timeout : 60
        for index in 0..<self.concurrency {
            let queue = queue, timeout = self.timeout
            queue.workerStarted()
            let thread = Thread {
                var easy = CurlEasyHandle(curl: curl, caFile: caFile)
                while let job = queue.take() {
                    let result = easy?.perform(job.request, timeout: timeout)
                        ?? .failure(TransportError(.notConnected, "libcurl could not start a transfer"))
                    job.continuation.resume(returning: result)
                }
                easy = nil // its connections are closed before `invalidate()` returns
                queue.workerExited()
            }
            thread.name = "resource-batch http \(index + 1)"
            thread.start()
        }
    }

    /// Lets queued requests finish, then stops the workers and closes their connections. Call once
    /// before exit; later requests fail as `notConnected`.
    public func invalidate() {
        queue.close(waitingUpTo: timeout + 5)
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let queue = queue
        let result = await withCheckedContinuation { continuation in
            queue.put(CurlJob(request: request, continuation: continuation))
        }
        return try result.get()
    }
}
