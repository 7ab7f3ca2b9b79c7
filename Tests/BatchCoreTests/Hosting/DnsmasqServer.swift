import Foundation
import Glibc
import TestSupport
@testable import BatchCore
@testable import BatchJobs
@testable import BatchRules

/// A real dnsmasq on a free loopback port, for the DNS integration tests.
///
/// Started with everything that could reach outside switched off (`--no-resolv`, `--no-hosts`,
/// `--conf-file=/dev/null`), listening only on 127.0.0.1. `stop()` (also called from deinit)
/// terminates it, so a failing test does not leave it running.
final class DnsmasqServer {
    /// Where dnsmasq is: $DNSMASQ if set (also to check the missing-dnsmasq path), else PATH,
    /// then /usr/sbin and /sbin (often missing from a user's PATH).
    static let executable: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let forced = environment["DNSMASQ"] {
            return FileManager.default.isExecutableFile(atPath: forced) ? forced : nil
        }
        let path = environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/local/sbin"]
        return dirs.map { $0 + "/dnsmasq" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Under CI=true a missing dnsmasq must fail the tests, not skip them.
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Whether the dnsmasq tests run at all: when dnsmasq is there, or under CI (to fail loudly).
    static let shouldRun = executable != nil || isCI

    let server: DNSServerAddress
    private let process: ChildProcess
    private let directory: URL
    private var stopped = false

    struct StartError: Error, CustomStringConvertible {
        let description: String
    }

    /// The path, or a clear failure explaining why the test cannot run.
    static func requireExecutable() throws -> String {
        guard let executable else {
            throw StartError(description: "dnsmasq is not installed (looked in PATH, /usr/sbin, /sbin); "
                + "CI=true requires the DNS integration tests: apt-get install dnsmasq-base")
        }
        return executable
    }

    /// Starts dnsmasq with `records` (e.g. `--mx-host=…`) and waits until it answers.
    static func start(records: [String]) async throws -> DnsmasqServer {
        let executable = try requireExecutable()
        var lastError = "no attempt"
        for _ in 0..<5 {
            let port = try freeLoopbackPort()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dnsmasq-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let log = directory.appendingPathComponent("dnsmasq.log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            var arguments = [
                "--keep-in-foreground", "--no-resolv", "--no-hosts", "--conf-file=/dev/null",
                "--listen-address=127.0.0.1", "--bind-interfaces", "--port=\(port)",
                "--pid-file=\(directory.appendingPathComponent("dnsmasq.pid").path)",
                "--log-facility=-",
            ]
            if getuid() == 0 { arguments += ["--user=root", "--group=root"] }
            arguments += records
            // dnsmasq logs to standard error (--log-facility=-); ChildProcess collects it.
            let process = try ChildProcess(executable, arguments)
            let server = DnsmasqServer(server: try DNSServerAddress(host: "127.0.0.1", port: port),
                                       process: process, directory: directory)
            if try await server.waitUntilAnswering() { return server }
            let result = server.stopAndCollect()
            lastError = result.map { $0.stderrText + $0.stdoutText } ?? "(no log)"
            try? FileManager.default.removeItem(at: directory)
        }
        throw StartError(description: "dnsmasq did not start: \(lastError)")
    }

    private init(server: DNSServerAddress, process: ChildProcess, directory: URL) {
        self.server = server
        self.process = process
        self.directory = directory
    }

    deinit { stop() }

    func stop() {
        _ = stopAndCollect()
    }

    /// Kills dnsmasq (it has nothing to clean up) and returns what it printed.
    @discardableResult
    func stopAndCollect() -> ChildProcess.Result? {
        guard !stopped else { return nil }
        stopped = true
        process.kill(SIGKILL)
        let result = process.wait(timeout: 30)
        try? FileManager.default.removeItem(at: directory)
        return result
    }

    /// Polls with a cheap query until dnsmasq answers anything; false if it exited (port taken).
    private func waitUntilAnswering() async throws -> Bool {
        let server = self.server
        for _ in 0..<200 {
            guard !process.isFinished else { return false }
            let query = try DNSMessage.query(for: "probe.example", type: .a)
            let answered = try await DNSTransport.run { () -> Bool in
                (try? DNSClient.exchange(query, server: server, timeout: .milliseconds(100))) != nil
            }
            if answered { return true }
        }
        return false
    }

    /// A port free for both UDP and TCP on 127.0.0.1 (just now; dnsmasq start is retried on a race).
    static func freeLoopbackPort() throws -> UInt16 {
        for _ in 0..<20 {
            let udp = try LoopbackTestSocket(type: Int32(SOCK_DGRAM.rawValue), port: 0)
            if let tcp = try? LoopbackTestSocket(type: Int32(SOCK_STREAM.rawValue), port: udp.port) {
                tcp.close()
                udp.close()
                return udp.port
            }
            udp.close()
        }
        throw StartError(description: "no free loopback port")
    }
}
