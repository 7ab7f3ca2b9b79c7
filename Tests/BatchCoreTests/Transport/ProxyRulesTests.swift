import Testing
@testable import BatchCore
@testable import BatchWire

/// `ProxyRules` and the certificate-failure wording: pure decisions behind the TLS and proxy
/// end-to-end tests.
@Suite struct ProxyRulesTests {
    @Test func loopbackIsEveryAddressOf127And6Colon1() {
        for host in ["127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "[::1]", "localhost", "LOCALHOST", "api.localhost"] {
            #expect(ProxyRules.isLoopback(host), "\(host)")
        }
        for host in ["128.0.0.1", "10.0.0.1", "127.0.0", "127.0.0.1.example.com", "api.example.com", "", "::2", "1127.0.0.1"] {
            #expect(!ProxyRules.isLoopback(host), "\(host)")
        }
    }

    @Test func noProxyKeepsLoopbackAndHonoursStarAnywhereInEitherCase() {
        #expect(ProxyRules(environment: [:]).noProxy == "localhost,127.0.0.0/8,::1")
        #expect(ProxyRules(environment: ["NO_PROXY": "corp.example, .internal"]).noProxy == "localhost,127.0.0.0/8,::1,corp.example,.internal")
        #expect(ProxyRules(environment: ["no_proxy": "a.example,*"]).noProxy == "*")
        #expect(ProxyRules(environment: ["NO_PROXY": "*"]).noProxy == "*")
        #expect(ProxyRules(environment: ["no_proxy": "x.example", "NO_PROXY": "*"]).noProxy == "localhost,127.0.0.0/8,::1,x.example",
                "the lower-case variable wins, as in curl")
    }

    @Test func certificateFailuresSayWhy() {
        #expect(CurlEasyHandle.certificateProblem(code: 60, detail: "SSL certificate problem: unable to get local issuer certificate")
            == "it is signed by an unknown certificate authority")
        #expect(CurlEasyHandle.certificateProblem(code: 60, detail: "SSL certificate problem: self-signed certificate")
            == "it is signed by an unknown certificate authority")
        #expect(CurlEasyHandle.certificateProblem(code: 60, detail: "SSL certificate problem: certificate has expired")
            == "its certificate has expired")
        #expect(CurlEasyHandle.certificateProblem(code: 60, detail: "SSL: no alternative certificate subject name matches target host name '127.0.0.1'")
            == "the certificate is for another host name")
        #expect(CurlEasyHandle.certificateProblem(code: 7, detail: "Failed to connect") == nil)
        #expect(CurlEasyHandle.certificateProblem(code: 35, detail: "OpenSSL SSL_connect: Connection reset by peer") == nil)
    }
}
