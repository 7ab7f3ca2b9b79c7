import Foundation
import Testing
@testable import OnSchedEmulator

/// The HTTP/1.1 layer, spoken to in raw bytes.
@Suite struct HTTPServerTests {
    @Test func startReturnsTheRealPortAndStopCloses() throws {
        let server = EmulatorServer(configuration: EmulatorConfiguration(port: 0))
        let url = try server.start()
        #expect(url.host == "127.0.0.1")
        #expect((url.port ?? 0) > 0)
        #expect(server.baseURL == url)
        #expect(throws: EmulatorError.self) { try server.start() }
        server.stop()
        #expect(server.baseURL == nil)
        #expect(throws: (any Error).self) { _ = try RawHTTPClient(port: UInt16(url.port!)).request("GET", "/emulator/stats") }
        server.stop()
    }

    @Test func aTakenPortIsAnError() throws {
        let first = try TestEmulator()
        let second = EmulatorServer(configuration: EmulatorConfiguration(port: first.port))
        #expect(throws: EmulatorError.self) { try second.start() }
        #expect(second.baseURL == nil)
    }

    @Test func aNonIPv4HostIsAnError() {
        let server = EmulatorServer(configuration: EmulatorConfiguration(host: "example.invalid", port: 0))
        #expect(throws: EmulatorError.self) { try server.start() }
    }

    @Test func restartAfterStop() throws {
        let server = EmulatorServer(configuration: EmulatorConfiguration(port: 0))
        _ = try server.start()
        server.stop()
        let url = try server.start()
        defer { server.stop() }
        #expect(try RawHTTPClient(port: UInt16(url.port!)).request("GET", "/emulator/stats").status == 200)
    }

    @Test func stopClosesIdleKeepAliveConnections() throws {
        let server = EmulatorServer(configuration: EmulatorConfiguration(port: 0))
        let url = try server.start()
        let client = try RawHTTPClient(port: UInt16(url.port!))
        #expect(try client.request("GET", "/emulator/stats").status == 200)
        server.stop()  // must not wait for the idle timeout
        #expect(try client.isClosedByPeer())
    }

    @Test func unknownPathIs404WithJSON() throws {
        let emulator = try TestEmulator()
        let response = try emulator.admin("GET", "/nowhere")
        #expect(response.status == 404)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.object["error"] as? String == "Not found")
    }

    @Test func wrongMethodIs405() throws {
        let emulator = try TestEmulator()
        let token = try emulator.token()
        let response = try emulator.call("POST", "/setup/v1/resources/1", token: token)
        #expect(response.status == 405)
        #expect(response.headers["allow"] == "GET, PUT, DELETE")
        #expect(try emulator.admin("GET", "/connect/token").status == 405)
    }

    @Test(arguments: ["GARBAGE\r\n\r\n", "GET /x\r\n\r\n", "GET  /x HTTP/1.1\r\n\r\n", "GET x HTTP/1.1\r\n\r\n",
                      "GET /x HTTP/1.1\r\nNo colon here\r\n\r\n", "GET /x HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
                      "\u{1}\u{2}\u{3} / HTTP/1.1\r\n\r\n"])
    func malformedRequestsAre400ThenClosed(_ raw: String) throws {
        let emulator = try TestEmulator()
        let client = try emulator.client()
        try client.send(raw)
        if let response = try client.readResponse() {
            #expect(response.status == 400)
            #expect(response.object["error"] != nil)
        }
        #expect(try client.isClosedByPeer())
        // The server is still fine.
        #expect(try emulator.admin("GET", "/emulator/stats").status == 200)
    }

    @Test func oversizedHeaderIs431() throws {
        let emulator = try TestEmulator()
        let client = try emulator.client()
        try client.send("GET /emulator/stats HTTP/1.1\r\nX-Big: \(String(repeating: "a", count: 70_000))\r\n\r\n")
        let response = try #require(try client.readResponse())
        #expect(response.status == 431)
        #expect(try client.isClosedByPeer())
    }

    @Test func oversizedBodyIs413() throws {
        let emulator = try TestEmulator()
        let client = try emulator.client()
        try client.send("POST /setup/v1/resources HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 9000000\r\n\r\n")
        let response = try #require(try client.readResponse())
        #expect(response.status == 413)
        #expect(try client.isClosedByPeer())
    }

    @Test func chunkedBodyIsRefusedWith411() throws {
        let emulator = try TestEmulator()
        let client = try emulator.client()
        try client.send("POST /emulator/seed HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
        let response = try #require(try client.readResponse())
        #expect(response.status == 411)
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let emulator = try TestEmulator()
        let client = try emulator.client()
        try client.send(RawHTTPClient.format("GET", "/emulator/stats") + RawHTTPClient.format("GET", "/nowhere")
                        + RawHTTPClient.format("GET", "/emulator/resources"))
        let first = try #require(try client.readResponse())
        let second = try #require(try client.readResponse())
        let third = try #require(try client.readResponse())
        #expect(first.status == 200 && first.object["requests"] != nil)
        #expect(second.status == 404)
        #expect(third.status == 200 && third.text == "[]")
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() throws {
        let emulator = try TestEmulator()
        let client = try emulator.client()
        for _ in 0..<20 {
            #expect(try client.request("GET", "/emulator/stats").status == 200)
        }
    }

    @Test func connectionCloseIsHonoured() throws {
        let emulator = try TestEmulator()
        let client = try emulator.client()
        let response = try client.request("GET", "/emulator/stats", headers: ["Connection": "close"])
        #expect(response.status == 200)
        #expect(response.headers["connection"] == "close")
        #expect(try client.isClosedByPeer())
    }

    @Test func http10ClosesByDefault() throws {
        let emulator = try TestEmulator()
        let client = try emulator.client()
        try client.send("GET /emulator/stats HTTP/1.0\r\n\r\n")
        #expect(try client.readResponse()?.status == 200)
        #expect(try client.isClosedByPeer())
    }

    @Test func http10KeepAliveIsHonouredAndAnnounced() throws {
        let emulator = try TestEmulator()
        let client = try emulator.client()
        for _ in 0..<2 {
            try client.send("GET /emulator/stats HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let response = try #require(try client.readResponse())
            #expect(response.status == 200)
            #expect(response.headers["connection"] == "keep-alive")
        }
    }

    @Test func expectContinueGets100ThenTheAnswer() throws {
        let emulator = try TestEmulator()
        let client = try emulator.client()
        let body = "{\"resources\":[]}"
        try client.send("POST /emulator/seed HTTP/1.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
        // The interim answer arrives before the body is sent (readResponse skips it, so read raw).
        var chunk = [UInt8](repeating: 0, count: 256)
        let n = chunk.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, 0) }
        #expect(String(decoding: chunk[0..<max(n, 0)], as: UTF8.self).hasPrefix("HTTP/1.1 100 Continue"))
        try client.send(body)
        #expect(try client.readResponse()?.status == 200)
    }

    @Test func twoHundredConnectionsAtOnce() throws {
        let emulator = try TestEmulator()
        let token = try emulator.token()
        let clients = try (0..<200).map { _ in try emulator.client() }
        for client in clients {
            try client.send(RawHTTPClient.format("GET", "/setup/v1/resources?limit=1", headers: ["Authorization": "Bearer \(token)"]))
        }
        var statuses: [Int] = []
        for client in clients {
            do {
                let response = try client.readResponse()
                statuses.append(response?.status ?? -1)
                if let response, response.status != 200 { print("status \(response.status): \(response.text)") }
            } catch {
                statuses.append(-2)
                print("error: \(error)")
            }
        }
        #expect(statuses.filter { $0 == 200 }.count == 200, "\(statuses.filter { $0 != 200 })")
    }

    @Test func parserHandlesBytesArrivingOneByOne() {
        var parser = HTTPRequestParser(maxHeaderBytes: 1024, maxBodyBytes: 1024)
        let raw = Array("POST /a?b=c HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /d HTTP/1.1\r\n\r\n".utf8)
        var requests: [HTTPRequest] = []
        for byte in raw {
            parser.append([byte])
            while case .request(let request) = parser.next() { requests.append(request) }
        }
        #expect(requests.map(\.method) == ["POST", "GET"])
        #expect(requests.first?.body == Array("abc".utf8))
        #expect(requests.first?.rawQuery == "b=c")
        #expect(requests.last?.path == "/d")
    }
}

extension HTTPServerTests {
    @Test func concurrentStartAndStopLeaveAConsistentServer() async throws {
        let server = EmulatorServer(configuration: EmulatorConfiguration(port: 0))
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<8 {
                group.addTask {
                    if i % 2 == 0 { _ = try? server.start() } else { server.stop() }
                }
            }
        }
        if let url = server.baseURL {
            #expect(try RawHTTPClient(port: UInt16(url.port!)).request("GET", "/emulator/stats").status == 200)
        }
        server.stop()
        #expect(server.baseURL == nil)
    }
}
