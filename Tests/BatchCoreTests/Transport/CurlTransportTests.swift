import Foundation
import Testing
@testable import BatchCore
@testable import BatchWire

/// `CurlEasyHandle` and `CurlTransport` against a scripted server over real loopback TCP: what goes
/// on the wire.
///
/// The wire-level tests drive one `CurlEasyHandle` synchronously on the test's own thread: async
/// tests can sit suspended for minutes while long synchronous end-to-end tests hold every thread
/// of the shared pool, and libcurl drops a connection idle for 118 s, which would change what
/// they observe.
@Suite struct CurlTransportTests {
    static let ok = ScriptedHTTPServer.Action.respond(status: 200, headers: ["Content-Type": "application/json"], body: "{}")

    func transport(concurrency: Int = 1, timeout: Double = 10) throws -> CurlTransport {
        try #require(CurlTransport(concurrency: concurrency, timeout: timeout), "libcurl.so.4 must load where FoundationNetworking runs")
    }

    /// One easy handle with a synchronous `send` for the wire-level tests.
    struct Wire {
        let handle: CurlEasyHandle
        let timeout: Double

        init(timeout: Double = 10) throws {
            let curl = try #require(LibCurl.shared, "libcurl.so.4 must load where FoundationNetworking runs")
            handle = try #require(CurlEasyHandle(curl: curl))
            self.timeout = timeout
        }

        func send(_ request: HTTPRequest) throws -> HTTPResponse {
            try handle.perform(request, timeout: timeout).get()
        }
    }

    /// Sends a create to `server` and expects it to fail as a lost connection: the request may
    /// have been applied, so only the caller may decide what comes next.
    func expectCreateLost(_ t: Wire, _ server: ScriptedHTTPServer, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) {
            _ = try t.send(post(server.url, "bulk"))
        } throws: { error in
            (error as? TransportError)?.kind == .connectionLost
        }
    }

    func post(_ url: URL, _ path: String, body: String = "{\"name\":\"x\"}") -> HTTPRequest {
        HTTPRequest(method: .post, url: url.appendingPathComponent(path), headers: ["Content-Type": "application/json"], body: Data(body.utf8))
    }

    @Test func answersCarryStatusHeadersAndBodyWhateverTheStatus() throws {
        let server = try ScriptedHTTPServer { request, _ in
            request.path == "/busy"
                ? .respond(status: 429, headers: ["Retry-After": "7", "X-Twice": "a"], body: "{\"message\":\"slow down\"}")
                : .respond(status: 201, headers: ["Content-Type": "application/json"], body: "[1,2,3]")
        }
        defer { server.stop() }
        let t = try Wire()
        let created = try t.send(post(server.url, "make"))
        #expect(created.status == 201)
        #expect(String(decoding: created.body, as: UTF8.self) == "[1,2,3]")
        #expect(created.header("content-type") == "application/json")
        let busy = try t.send(HTTPRequest(method: .get, url: server.url.appendingPathComponent("busy")))
        #expect(busy.status == 429)
        #expect(busy.header("retry-after") == "7")
        #expect(String(decoding: busy.body, as: UTF8.self).contains("slow down"))
        #expect(server.requests.map(\.bodyBytes) == [12, 0])
    }

    @Test func everyRequestSharesTheKeptAliveConnection() throws {
        // Issue 17: POSTs too (a fresh connection per create chunk cost 2–3 µs a row of system
        // time); what keeps a create from being re-sent is the prerequest guard (tests below).
        let server = try ScriptedHTTPServer { _, _ in Self.ok }
        defer { server.stop() }
        let t = try Wire()
        for _ in 0..<3 { _ = try t.send(HTTPRequest(method: .get, url: server.url.appendingPathComponent("list"))) }
        _ = try t.send(HTTPRequest(method: .put, url: server.url.appendingPathComponent("bulk"), body: Data("[{}]".utf8)))
        for _ in 0..<3 { _ = try t.send(post(server.url, "bulk")) }
        #expect(server.requests.map(\.method) == ["GET", "GET", "GET", "PUT", "POST", "POST", "POST"])
        #expect(server.requests.map(\.bodyBytes) == [0, 0, 0, 4, 12, 12, 12])
        #expect(server.connectionCount == 1, "one kept-alive connection for all of them")
    }

    @Test func aCreateWhoseReusedConnectionDiesUnansweredIsReportedAndNeverResent() throws {
        // The POST goes out on the connection the GET left alive, arrives whole, and the server
        // hangs up without answering. libcurl would send it again on a new connection (it does
        // for the PUT below); the prerequest guard aborts that second attempt, so the caller
        // learns the create may have been applied and nothing was sent twice.
        let server = try ScriptedHTTPServer { request, _ in request.method == "POST" ? .drop : Self.ok }
        defer { server.stop() }
        let t = try Wire()
        _ = try t.send(HTTPRequest(method: .get, url: server.url.appendingPathComponent("warm")))
        expectCreateLost(t, server)
        #expect(server.requests.filter { $0.method == "POST" }.count == 1, "sent exactly once")
        #expect(server.requests.map(\.connection) == [1, 1], "the POST went out on the reused connection")
        #expect(server.requests.last?.bodyBytes == 12)
        // The handle stays usable: the next POST goes out (once) on a new connection.
        expectCreateLost(t, server)
        #expect(server.requests.filter { $0.method == "POST" }.count == 2)
    }

    @Test func aCreateWhoseServerWentDownAfterReadingItIsNeverCalledUnsent() throws {
        // The POST goes out on the reused connection and arrives whole; the server goes down
        // without answering. libcurl's own retry then fails to connect (CURLE_COULDNT_CONNECT),
        // which alone would read "never sent" and let the client send the create again. The
        // request did reach the server: the failure must say it may have been applied.
        let server = try ScriptedHTTPServer { request, _ in request.method == "POST" ? .dropAndGoDown : Self.ok }
        defer { server.stop() }
        let t = try Wire()
        _ = try t.send(HTTPRequest(method: .get, url: server.url.appendingPathComponent("warm")))
        expectCreateLost(t, server)
        #expect(server.requests.filter { $0.method == "POST" }.count == 1)
    }

    @Test func aCreateAfterAnIdleTimeOutGoesOutOnceOnANewConnection() throws {
        // The server closed the kept-alive connection before the POST (an idle time-out): libcurl
        // finds it dead before using it, so the POST's one attempt goes out on a new connection.
        let server = try ScriptedHTTPServer { _, index in index == 0 ? .respondThenClose : Self.ok }
        defer { server.stop() }
        let t = try Wire()
        _ = try t.send(HTTPRequest(method: .get, url: server.url.appendingPathComponent("warm")))
        usleep(50_000) // the server's close has arrived
        let created = try t.send(post(server.url, "bulk"))
        #expect(created.status == 200)
        #expect(server.requests.map(\.method) == ["GET", "POST"])
        #expect(server.requests.map(\.connection) == [1, 2])
    }

    @Test func anUpdateWhoseReusedConnectionDiedIsResentWithItsWholeBody() throws {
        // The second request on the first connection finds it dead (the server hung up on it, as an
        // idle keep-alive time-out would); libcurl re-sends on a new connection, body included.
        let server = try ScriptedHTTPServer { request, index in
            index == 1 ? .drop : Self.ok
        }
        defer { server.stop() }
        let t = try Wire()
        let body = Data(String(repeating: "u", count: 40_000).utf8)
        _ = try t.send(HTTPRequest(method: .put, url: server.url.appendingPathComponent("bulk"), body: body))
        let second = try t.send(HTTPRequest(method: .put, url: server.url.appendingPathComponent("bulk"), body: body))
        #expect(second.status == 200)
        #expect(server.requests.map(\.bodyBytes) == [40_000, 40_000, 40_000])
        #expect(server.requests.map(\.connection) == [1, 1, 2])
    }

    @Test func failuresSayWhetherTheRequestMayHaveReachedTheServer() throws {
        let stalled = try ScriptedHTTPServer { _, _ in .stall }
        defer { stalled.stop() }
        let t = try Wire(timeout: 0.5)
        #expect {
            _ = try t.send(post(stalled.url, "bulk"))
        } throws: { error in
            (error as? TransportError)?.kind == .timedOut && "\(error)".contains("time-out")
        }
        let closed = try ScriptedHTTPServer { _, _ in Self.ok }
        let closedURL = closed.url
        closed.stop()
        #expect {
            _ = try t.send(post(closedURL, "bulk"))
        } throws: { error in
            (error as? TransportError)?.kind == .notConnected && "\(error)".contains("could not connect")
        }
        #expect {
            _ = try t.send(HTTPRequest(method: .get, url: URL(string: "ftp://127.0.0.1/x")!))
        } throws: { error in
            (error as? TransportError)?.kind == .notConnected
        }
    }

    @Test func requestsBeyondTheWorkersWaitTheirTurnAndAllComeBack() async throws {
        let server = try ScriptedHTTPServer { request, _ in
            .respond(status: 200, headers: [:], body: request.path)
        }
        defer { server.stop() }
        let t = try transport(concurrency: 3)
        defer { t.invalidate() }
        let paths = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<40 {
                group.addTask {
                    let r = try await t.send(HTTPRequest(method: .get, url: server.url.appendingPathComponent("r\(i)")))
                    return String(decoding: r.body, as: UTF8.self)
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(paths == Set((0..<40).map { "/r\($0)" }))
    }

    @Test func afterInvalidateRequestsFailWithoutBeingSent() async throws {
        let server = try ScriptedHTTPServer { _, _ in Self.ok }
        defer { server.stop() }
        let t = try transport(concurrency: 2)
        t.invalidate()
        await #expect {
            _ = try await t.send(HTTPRequest(method: .get, url: server.url))
        } throws: { error in
            (error as? TransportError)?.kind == .notConnected
        }
        #expect(server.requests.isEmpty)
    }
}
