import Foundation
import Testing
@testable import OnSchedEmulator

/// Seeded random garbage: the parser and the server answer or close, never crash.
@Suite struct GarbageInputTests {
    @Test func parserSurvivesRandomBytes() {
        var random = SplitMix64(seed: 99)
        for _ in 0..<300 {
            var parser = HTTPRequestParser(maxHeaderBytes: 512, maxBodyBytes: 512)
            let length = Int(random.next() % 700)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if random.next() % 2 == 0 { bytes = Array("GET / HTTP/1.1\r\n".utf8) + bytes + Array("\r\n\r\n".utf8) }
            parser.append(bytes)
            var steps = 0
            loop: while steps < 100 {
                steps += 1
                switch parser.next() {
                case .request: continue
                case .needMore, .failure: break loop
                }
            }
            #expect(steps < 100)
        }
    }

    @Test func serverSurvivesRandomBytes() throws {
        let emulator = try TestEmulator()
        var random = SplitMix64(seed: 5)
        for _ in 0..<20 {
            let client = try emulator.client()
            var bytes = (0..<Int(random.next() % 2000)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            bytes += Array("\r\n\r\n".utf8)
            try client.send(bytes)
            _ = try? client.readResponse()
        }
        #expect(try emulator.admin("GET", "/emulator/stats").status == 200)
    }

    @Test func extremeConfigurationValuesDoNotCrash() throws {
        let emulator = try TestEmulator(EmulatorConfiguration(tokenLifetime: .infinity, idleTimeout: .infinity))
        let token = try emulator.token()
        #expect(try emulator.call("GET", "/setup/v1/resources", token: token).status == 200)
    }
}
