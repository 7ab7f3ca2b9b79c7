import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import BatchCore
@testable import BatchReport
@testable import BatchWire

@Suite struct URLSessionTransportTests {
    @Test func errorsAreSortedByWhetherTheRequestMayHaveBeenSent() {
        let cases: [(URLError.Code, TransportError.Kind)] = [
            (.cannotConnectToHost, .notConnected), (.cannotFindHost, .notConnected), (.dnsLookupFailed, .notConnected),
            (.secureConnectionFailed, .notConnected), (.timedOut, .timedOut), (.networkConnectionLost, .connectionLost),
            (.badServerResponse, .connectionLost), (.unknown, .connectionLost),
        ]
        for (code, kind) in cases {
            #expect(URLSessionTransport.classify(URLError(code)).kind == kind, "\(code)")
        }
        struct Other: Error {}
        #expect(URLSessionTransport.classify(Other()).kind == .connectionLost)
    }

    @Test func theGateNeverLetsMoreThanItsLimitInAndServesInOrder() async {
        let gate = ConcurrencyGate(limit: 2)
        await gate.enter()
        await gate.enter()
        let order = TestLog<Int>()
        for i in 1...2 {
            Task {
                await gate.enter()
                order.append(i)
            }
            await letOthersRun()
        }
        #expect(order.all.isEmpty)
        #expect(await gate.active == 2)
        await gate.leave()
        await yieldUntil("first waiter in") { order.all == [1] }
        await gate.leave()
        await yieldUntil("second waiter in") { order.all == [1, 2] }
        #expect(await gate.active == 2)
    }

    @Test func settings() {
        let t = URLSessionTransport(concurrency: 0, timeout: -1)
        defer { t.invalidate() }
        #expect(t.concurrency == 1)
        #expect(t.timeout == 60)
    }
}
