import Foundation
import Synchronization
import Testing
@testable import BatchCore
@testable import BatchWire

/// A transport whose answers come from a closure, recording every request it was given.
final class ScriptedHTTPTransport: HTTPTransport {
    typealias Handler = @Sendable (HTTPRequest, Int) async throws -> HTTPResponse
    private let log = Mutex<[HTTPRequest]>([])
    private let handler: Handler

    /// `handler` gets each request and its 0-based index among the requests sent so far.
    init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    var requests: [HTTPRequest] { log.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let index = log.withLock { log in
            log.append(request)
            return log.count - 1
        }
        return try await handler(request, index)
    }
}

/// A Sendable counter/flag for tests.
final class TestCounter: Sendable {
    private let value = Mutex(0)
    func increment() -> Int { value.withLock { $0 += 1; return $0 } }
    var current: Int { value.withLock { $0 } }
}

/// A Sendable list that tasks append to, to check the order they finished in.
final class TestLog<T: Sendable>: Sendable {
    private let items = Mutex<[T]>([])
    func append(_ item: T) { items.withLock { $0.append(item) } }
    var all: [T] { items.withLock { $0 } }
}

/// Lets other tasks run until `condition` holds. Not a timing assertion: it only gives up
/// (recording an issue) after a very long time, to keep a broken test from hanging.
func yieldUntil(
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ condition: () async -> Bool
) async {
    for i in 0..<20_000 {
        if await condition() { return }
        if i < 1_000 { await Task.yield() } else { try? await Task.sleep(for: .milliseconds(1)) }
    }
    Issue.record("gave up waiting for: \(what)", sourceLocation: sourceLocation)
}

/// Lets other tasks run for a while, to show that something does NOT happen.
func letOthersRun() async {
    for _ in 0..<200 { await Task.yield() }
}

/// Runs `operation`, advancing `clock` to the next sleeper's deadline whenever someone sleeps,
/// until the operation ends: backoffs and pauses complete instantly, in order.
func driving<T: Sendable>(
    _ clock: FakeClock, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let done = Mutex(false)
    let task = Task {
        defer { done.withLock { $0 = true } }
        return try await operation()
    }
    var idle = 0
    while !done.withLock({ $0 }) {
        if let next = clock.nextDeadline {
            clock.advance(to: next)
            idle = 0
        } else {
            idle += 1
            if idle < 1_000 { await Task.yield() } else { try? await Task.sleep(for: .milliseconds(1)) }
        }
    }
    return try await task.value
}

extension HTTPResponse {
    /// A JSON answer from a string.
    static func json(_ body: String, status: Int = 200, headers: [String: String] = [:]) -> HTTPResponse {
        var h = headers
        h["Content-Type"] = "application/json"
        return HTTPResponse(status: status, headers: h, body: Data(body.utf8))
    }
}
