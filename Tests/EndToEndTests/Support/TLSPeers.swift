import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The real peers of the TLS and proxy tests (issue 12), from Debian's packages: `openssl` makes a
/// private CA and server certificates, `stunnel4` terminates TLS in front of the emulator, and
/// `tinyproxy` is the corporate proxy. `.ci/run` installs them; a test without them skips with a
/// message, or fails under `CI=true`.
enum TLSPeers {
    static let openssl = "/usr/bin/openssl"
    static let stunnel = "/usr/bin/stunnel4"
    static let tinyproxy = "/usr/bin/tinyproxy"

    /// Whether every tool is there; records why not (a failure under CI=true).
    static func available(_ tools: [String]) -> Bool {
        let missing = tools.filter { !FileManager.default.isExecutableFile(atPath: $0) }
        guard !missing.isEmpty else { return true }
        let message = "missing \(missing.joined(separator: ", ")): install openssl, stunnel4 and tinyproxy (.ci/run does)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record(Comment(rawValue: message))
        } else {
            print("skipped: \(message)")
        }
        return false
    }

    /// Runs a tool to completion; throws with its output when it fails.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], in directory: String) throws -> String {
        let r = try ChildProcess.run(tool, arguments, directory: directory, timeout: 60)
        guard r.status == 0 else {
            throw E2EError("\(tool) \(arguments.joined(separator: " ")) failed (\(r.status)): \(r.stderrText)\(r.stdoutText)")
        }
        return r.stdoutText
    }

    /// Waits until something accepts connections on the loopback port.
    static func waitForPort(_ port: UInt16, process: ChildProcess) throws {
        for _ in 0..<500 {
            if let fd = try? LoopbackConnection.open(port: port, timeout: 1) {
                close(fd)
                return
            }
            if process.isFinished {
                let r = process.wait(timeout: 5)
                throw E2EError("the peer exited before listening on \(port): \(r.stderrText)\(r.stdoutText)")
            }
            usleep(20_000)
        }
        throw E2EError("nothing listens on \(port)")
    }
}

/// A private CA made with openssl in `directory`, and server certificates signed by it.
struct TestCA {
    let directory: String
    var caFile: String { directory + "/ca.pem" }

    init(directory: String) throws {
        self.directory = directory
        try TLSPeers.run(TLSPeers.openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                                            "-days", "2", "-subj", "/CN=resource-batch test CA"], in: directory)
        try "".write(toFile: directory + "/index.txt", atomically: true, encoding: .utf8)
        try "1000\n".write(toFile: directory + "/serial", atomically: true, encoding: .utf8)
        let config = """
        [ ca ]
        default_ca = test
        [ test ]
        dir = \(directory)
        database = \(directory)/index.txt
        new_certs_dir = \(directory)
        serial = \(directory)/serial
        default_md = sha256
        policy = anything
        unique_subject = no
        [ anything ]
        commonName = supplied

        """
        try config.write(toFile: directory + "/ca.cnf", atomically: true, encoding: .utf8)
    }

    /// A key and certificate `name.key` / `name.pem` for `subjectAltName`, valid from `start` to
    /// `end` (openssl's `YYYYMMDDHHMMSSZ`); returns the two paths.
    func serverCertificate(_ name: String, altNames: String, start: String? = nil, end: String? = nil) throws -> (cert: String, key: String) {
        try TLSPeers.run(TLSPeers.openssl, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr",
                                            "-subj", "/CN=\(name)"], in: directory)
        try "subjectAltName=\(altNames)\n".write(toFile: "\(directory)/\(name).ext", atomically: true, encoding: .utf8)
        var arguments = ["ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", "\(name).csr",
                         "-out", "\(name).pem", "-notext", "-extfile", "\(name).ext"]
        if let start, let end { arguments += ["-startdate", start, "-enddate", end] } else { arguments += ["-days", "2"] }
        try TLSPeers.run(TLSPeers.openssl, arguments, in: directory)
        return ("\(directory)/\(name).pem", "\(directory)/\(name).key")
    }
}

/// A stunnel4 TLS terminator on a loopback port, forwarding to `target` (the emulator).
final class TLSTerminator {
    let child: ChildProcess
    let port: UInt16
    var url: String { "https://127.0.0.1:\(port)" }

    init(certificate: (cert: String, key: String), target: UInt16, directory: String) throws {
        port = try LoopbackHTTP.unusedPort()
        let config = """
        foreground = yes
        pid =
        debug = 3
        [api]
        accept = 127.0.0.1:\(port)
        connect = 127.0.0.1:\(target)
        cert = \(certificate.cert)
        key = \(certificate.key)

        """
        let path = "\(directory)/stunnel-\(port).conf"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        child = try ChildProcess(TLSPeers.stunnel, [path], directory: directory)
        try TLSPeers.waitForPort(port, process: child)
    }

    deinit { stop() }

    func stop() {
        if !child.isFinished {
            child.kill(SIGTERM)
            _ = child.wait(timeout: 10)
        }
    }
}

/// tinyproxy on a loopback port, logging every request it gets to `logFile`.
final class TestProxy {
    let child: ChildProcess
    let port: UInt16
    let logFile: String
    var url: String { "http://127.0.0.1:\(port)" }

    init(directory: String) throws {
        port = try LoopbackHTTP.unusedPort()
        logFile = "\(directory)/tinyproxy-\(port).log"
        let config = """
        Port \(port)
        Listen 127.0.0.1
        Timeout 30
        LogFile "\(logFile)"
        LogLevel Info
        MaxClients 20
        Allow 127.0.0.1
        ConnectPort 443
        ConnectPort 8443

        """
        let path = "\(directory)/tinyproxy-\(port).conf"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        child = try ChildProcess(TLSPeers.tinyproxy, ["-d", "-c", path], directory: directory)
        try TLSPeers.waitForPort(port, process: child)
    }

    deinit { stop() }

    func stop() {
        if !child.isFinished {
            child.kill(SIGTERM)
            _ = child.wait(timeout: 10)
        }
    }

    /// The requests the proxy saw (its "Request" log lines).
    var requests: [String] {
        let text = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { $0.contains("Request (file descriptor") }.map(String.init)
    }
}
