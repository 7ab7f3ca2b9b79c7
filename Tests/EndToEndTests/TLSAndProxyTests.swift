import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// TLS trust and proxies against real peers (issue 12): the emulator behind stunnel4 with a
/// certificate from a CA the test makes with openssl, and tinyproxy as the corporate proxy.
@Suite struct TLSAndProxyTests {
    /// The CA trusted through each of the three ways works; without it, or with a certificate
    /// for another name or an expired one, the run stops with exit 3 before sending anything,
    /// saying which host and why.
    @Test func aPrivateCAIsTrustedOnlyWhereNamedAndBadCertificatesAreRefused() throws {
        guard TLSPeers.available([TLSPeers.openssl, TLSPeers.stunnel]) else { return }
        let emulator = try LoopbackEmulator()
        defer { emulator.stop() }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let pki = cli.path("pki")
        try FileManager.default.createDirectory(atPath: pki, withIntermediateDirectories: true)
        let ca = try TestCA(directory: pki)
        let good = try TLSTerminator(certificate: try ca.serverCertificate("good", altNames: "IP:127.0.0.1,DNS:localhost"),
                                     target: emulator.port, directory: pki)
        defer { good.stop() }
        let export = ["export", "--out", "-", "--format", "jsonl", "--max-retries", "2", "--api-url"]

        // Refused: the system store does not know the test CA.
        let untrusted = try cli.run(export + [good.url])
        #expect(untrusted.status == 3, "\(untrusted)")
        #expect(untrusted.err.contains("TLS certificate of 127.0.0.1 is not trusted") && untrusted.err.contains("unknown certificate authority"),
                "\(untrusted.err)")
        #expect(untrusted.err.contains("CA certificate file"), "says how to trust a CA: \(untrusted.err)")
        #expect(try emulator.stats()["requests"] == 0, "nothing reached the API")

        // Trusted three ways.
        try emulator.seed([["name": "Ada", "email": "ada@example.com"]])
        let ways: [(String, [String], [String: String])] = [
            ("--ca-cert", ["--ca-cert", ca.caFile], [:]),
            ("CURL_CA_BUNDLE", [], ["CURL_CA_BUNDLE": ca.caFile]),
            ("SSL_CERT_FILE", [], ["SSL_CERT_FILE": ca.caFile]),
        ]
        for (name, extra, environment) in ways {
            let saved = cli.environment
            defer { cli.environment = saved }
            for (k, v) in environment { cli.environment[k] = v }
            let r = try cli.run(export + [good.url] + extra)
            #expect(r.status == 0, "\(name): \(r)")
            #expect(r.out.contains("ada@example.com"), "\(name): \(r.out)")
        }
        // A named file that is not there is a usage error, before anything is sent.
        let missing = try cli.run(export + [good.url, "--ca-cert", cli.path("nope.pem")])
        #expect(missing.status == 2 && missing.err.contains("nope.pem"), "\(missing)")
        // URLSession cannot load a CA file on Linux: refused, not silently ignored.
        cli.environment["RESOURCE_BATCH_TRANSPORT"] = "urlsession"
        let viaSession = try cli.run(export + [good.url, "--ca-cert", ca.caFile])
        #expect(viaSession.status == 2 && viaSession.err.contains("needs the libcurl transport"), "\(viaSession)")
        // ...but SSL_CERT_FILE naming the system's own bundle (as many machines set it) is no reason to refuse.
        if FileManager.default.fileExists(atPath: "/etc/ssl/certs/ca-certificates.crt") {
            cli.environment["SSL_CERT_FILE"] = "/etc/ssl/certs/ca-certificates.crt"
            let systemBundle = try cli.run(export + [good.url])
            #expect(systemBundle.status == 3 && systemBundle.err.contains("unknown certificate authority"), "\(systemBundle)")
            cli.environment["SSL_CERT_FILE"] = nil
        }
        cli.environment["RESOURCE_BATCH_TRANSPORT"] = nil

        // Another host's certificate, and an expired one, from the trusted CA.
        let before = try emulator.stats()["requests"] ?? 0
        let wrongHost = try TLSTerminator(certificate: try ca.serverCertificate("other", altNames: "DNS:other.example"),
                                          target: emulator.port, directory: pki)
        defer { wrongHost.stop() }
        let expired = try TLSTerminator(certificate: try ca.serverCertificate("expired", altNames: "IP:127.0.0.1",
                                                                             start: "20200101000000Z", end: "20200102000000Z"),
                                        target: emulator.port, directory: pki)
        defer { expired.stop() }
        for (peer, why) in [(wrongHost, "for another host name"), (expired, "expired")] {
            let r = try cli.run(export + [peer.url, "--ca-cert", ca.caFile])
            #expect(r.status == 3, "\(why): \(r)")
            #expect(r.err.contains("is not trusted") && r.err.contains(why), "\(why): \(r.err)")
        }
        // Import too, with its token request: stopped before the token endpoint was reached.
        try cli.write("people.csv", peopleCSV(2))
        let importRun = try cli.run(["import", "people.csv", "--hosting-check", "off", "--api-url", expired.url, "--ca-cert", ca.caFile])
        #expect(importRun.status == 3 && importRun.err.contains("expired"), "\(importRun)")
        #expect(try emulator.stats()["requests"] == before, "nothing reached the API through a refused certificate")
    }

    /// A proxy in the environment never sees a loopback API (so credentials never cross it in
    /// clear), whatever case the variables use; NO_PROXY=* turns it off for every host.
    @Test func loopbackNeverGoesThroughAProxyAndStarMeansNone() throws {
        guard TLSPeers.available([TLSPeers.tinyproxy]) else { return }
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        cli.useCredentials()
        let proxy = try TestProxy(directory: cli.directory.path)
        defer { proxy.stop() }
        let emulator = try LoopbackEmulator(host: "127.0.0.2")
        defer { emulator.stop() }
        for name in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ALL_PROXY"] { cli.environment[name] = proxy.url }
        try cli.write("people.csv", peopleCSV(3))
        for transport in ["curl", "urlsession"] {
            cli.environment["RESOURCE_BATCH_TRANSPORT"] = transport
            let api = ["--api-url", "http://127.0.0.2:\(emulator.port)", "--rate", "100"]
            let run = try cli.run(["import", "people.csv", "--hosting-check", "off"] + api)
            #expect([0].contains(run.status), "\(transport): \(run)")
            #expect(proxy.requests.isEmpty, "\(transport): the proxy saw \(proxy.requests)")
        }
        cli.environment["RESOURCE_BATCH_TRANSPORT"] = nil

        // The proxy is used for other hosts (it is asked to CONNECT)...
        let viaProxy = try cli.run(["export", "--out", "x.csv", "--force", "--max-retries", "0", "--api-url", "https://api.invalid:443"])
        #expect(viaProxy.status == 3, "\(viaProxy)")
        #expect(proxy.requests.contains { $0.contains("api.invalid") }, "the proxy was asked: \(proxy.requests)")
        // ...unless NO_PROXY says * (either case).
        for name in ["NO_PROXY", "no_proxy"] {
            let seen = proxy.requests.count
            cli.environment[name] = "example.org,*"
            defer { cli.environment[name] = nil }
            let direct = try cli.run(["export", "--out", "y.csv", "--force", "--max-retries", "0", "--api-url", "https://api.invalid:443"])
            #expect(direct.status == 3 && direct.err.contains("host not found"), "\(name): \(direct)")
            #expect(proxy.requests.count == seen, "\(name)=*: the proxy was still asked: \(proxy.requests)")
        }
    }
}
