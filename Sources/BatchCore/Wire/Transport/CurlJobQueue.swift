import Foundation

/// A request waiting for a `CurlTransport` worker, and where its answer goes.
struct CurlJob: Sendable {
    var request: HTTPRequest
    var continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>
}

/// The first-come, first-served queue between async callers and `CurlTransport`'s worker threads,
/// which block on it. Closing it lets the workers drain what is queued and then return.
///
/// `@unchecked Sendable`: every stored property is read and written only while `condition`'s lock
/// is held (each method takes it first and releases it before returning or waiting).
final class CurlJobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [CurlJob] = []
    private var head = 0
    private var closed = false
    private var workers = 0

    /// Queues `job`, or answers it at once with `notConnected` when the queue is closed.
    func put(_ job: CurlJob) {
        condition.lock()
        guard !closed else {
            condition.unlock()
            job.continuation.resume(returning: .failure(TransportError(.notConnected, "the connection pool was shut down")))
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// The oldest job, waiting for one; nil once the queue is closed and empty.
    func take() -> CurlJob? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !closed {
            condition.wait()
        }
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64 && head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    /// Counts a worker in; `workerExited()` counts it out.
    func workerStarted() {
        condition.lock()
        workers += 1
        condition.unlock()
    }

    func workerExited() {
        condition.lock()
        workers -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Refuses new jobs, lets the workers finish the queued ones, and waits up to `seconds` for them to exit.
    func close(waitingUpTo seconds: Double) {
        condition.lock()
        closed = true
        condition.broadcast()
        let deadline = Date(timeIntervalSinceNow: seconds)
        while workers > 0 && condition.wait(until: deadline) {}
        condition.unlock()
    }
}
