import Foundation
import Glibc
import Synchronization
@testable import BatchCore
@testable import BatchRules

/// A tiny UDP DNS "server" on 127.0.0.1 whose answers a test scripts: for each query it sends
/// the datagrams `respond` returns (none = silence). Runs on its own thread until `stop()`.
final class ScriptedDNSResponder: Sendable {
    let socket: LoopbackTestSocket
    private let stopping = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    let queriesSeen = Atomic<Int>(0)

    init(respond: @escaping @Sendable (DNSMessage) -> [[UInt8]]) throws {
        socket = try LoopbackTestSocket(type: Int32(SOCK_DGRAM.rawValue), port: 0)
        let thread = Thread { [self] in self.serve(respond) }
        thread.start()
    }

    var address: DNSServerAddress { socket.address }

    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        while !finished.load(ordering: .sequentiallyConsistent) { usleep(1000) }
        socket.close()
    }

    private func serve(_ respond: @Sendable (DNSMessage) -> [[UInt8]]) {
        defer { finished.store(true, ordering: .sequentiallyConsistent) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !stopping.load(ordering: .sequentiallyConsistent) {
            var pfd = pollfd(fd: socket.fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 20) > 0 else { continue }
            var from = sockaddr_in()
            var fromLength = socklen_t(MemoryLayout<sockaddr_in>.size)
            let n = buffer.withUnsafeMutableBytes { raw in
                withUnsafeMutablePointer(to: &from) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(socket.fd, raw.baseAddress, raw.count, 0, $0, &fromLength)
                    }
                }
            }
            guard n > 0, let query = try? DNSMessage(parsing: Array(buffer[0..<n])) else { continue }
            queriesSeen.add(1, ordering: .sequentiallyConsistent)
            for datagram in respond(query) {
                _ = datagram.withUnsafeBytes { raw in
                    withUnsafePointer(to: &from) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(socket.fd, raw.baseAddress, raw.count, 0, $0, fromLength)
                        }
                    }
                }
            }
        }
    }

    /// An encoded response to `query` with `rcode`, optional MX answers and an id offset.
    static func response(to query: DNSMessage, rcode: DNSResponseCode = .noError, mx: [(UInt16, String)] = [],
                         id: UInt16? = nil) -> [UInt8] {
        var header = DNSHeader(id: id ?? query.header.id, flags: 0x8180)
        header.responseCode = rcode
        let name = query.questions.first?.name ?? ""
        let message = DNSMessage(header: header, questions: query.questions,
                                 answers: mx.map { DNSResourceRecord(name: name, type: .mx, ttl: 60, data: .mx(preference: $0.0, exchange: $0.1)) })
        return (try? message.encoded()) ?? []
    }
}
