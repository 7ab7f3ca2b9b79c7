import Foundation
import Testing
@testable import BatchCore
@testable import BatchModel
@testable import BatchWire

@Suite struct OnSchedEndpointTests {
    @Test func environments() throws {
        let sandbox = try OnSchedEndpoint.environment("sandbox")
        #expect(sandbox.apiURL.absoluteString == "https://sandbox-api.onsched.com")
        #expect(sandbox.tokenURL.absoluteString == "https://sandbox-identity.onsched.com/connect/token")
        let production = try OnSchedEndpoint.environment("Production")
        #expect(production.apiURL.absoluteString == "https://api.onsched.com")
        #expect(production.tokenURL.absoluteString == "https://identity.onsched.com/connect/token")
        #expect(throws: OnSchedError.self) { try OnSchedEndpoint.environment("staging") }
    }

    @Test(arguments: [
        "https://api.example.com", "http://127.0.0.1:8080", "http://127.1.2.3", "http://localhost:9000/x",
        "http://LOCALHOST", "http://[::1]:8080", "HTTPS://Api.Example.com/base",
    ])
    func accepted(url: String) throws {
        let u = try #require(URL(string: url))
        _ = try OnSchedEndpoint(apiURL: u, tokenURL: u)
    }

    @Test(arguments: [
        "http://api.example.com", "http://128.0.0.1", "http://127.0.0.1.evil.com", "http://localhost.evil.com",
        "http://10.0.0.1:8080", "http://[::2]", "ftp://127.0.0.1", "file:///etc/passwd", "http://127.0.0.256",
        "http://0x7f.0.0.1",
    ])
    func refused(url: String) throws {
        let u = try #require(URL(string: url))
        let error = try #require(throws: OnSchedError.self) {
            try OnSchedEndpoint(apiURL: URL(string: "https://ok.example.com")!, tokenURL: u)
        }
        #expect(error.kind == .insecureURL)
        #expect(error.description.contains("token URL"))
    }

    @Test func theRefusalNamesTheRuleButNotAPassword() throws {
        let u = URL(string: "http://user:hunter2@api.example.com/")!
        let error = try #require(throws: OnSchedError.self) { try OnSchedEndpoint(apiURL: u, tokenURL: u) }
        #expect(error.description.contains("https"))
        #expect(!error.description.contains("hunter2"))
    }

    @Test func loopbackHosts() {
        #expect(OnSchedEndpoint.isLoopback(host: "127.0.0.1"))
        #expect(OnSchedEndpoint.isLoopback(host: "127.255.255.254"))
        #expect(OnSchedEndpoint.isLoopback(host: "::1"))
        #expect(OnSchedEndpoint.isLoopback(host: "[::1]"))
        #expect(OnSchedEndpoint.isLoopback(host: "localhost"))
        #expect(!OnSchedEndpoint.isLoopback(host: "127.0.0"))
        #expect(!OnSchedEndpoint.isLoopback(host: "1.127.0.0"))
        #expect(!OnSchedEndpoint.isLoopback(host: "example.com"))
    }

    @Test func returnURLQueryItems() {
        #expect(ReturnURLs.none.queryItems.isEmpty)
        let r = ReturnURLs(google: "https://a.example/g", outlook: "")
        #expect(r.queryItems.map(\.name) == ["googleAuthReturnUrl"])
    }

    @Test func strictPercentEncoding() {
        #expect(PercentEncoding.encode("https://x.com/cb?a=1&b=2 3+4%") == "https%3A%2F%2Fx.com%2Fcb%3Fa%3D1%26b%3D2%203%2B4%25")
        #expect(PercentEncoding.pathSegment("pat+x@gmail.com") == "pat%2Bx@gmail.com")
        #expect(PercentEncoding.pathSegment("a/b?c#d") == "a%2Fb%3Fc%23d")
        #expect(PercentEncoding.pathSegment("..") == "%2E%2E")
        #expect(PercentEncoding.encode("é") == "%C3%A9")
    }

    @Test func credentialsNeverShowTheSecret() {
        let c = ClientCredentials(id: "sbox-123", secret: "s3cr3t-value")
        #expect(!"\(c)".contains("s3cr3t"))
        #expect(!String(reflecting: c).contains("s3cr3t"))
        var dumped = ""
        dump(c, to: &dumped)
        #expect(!dumped.contains("s3cr3t"))
        #expect("\(c)".contains("sbox-123"))
    }

    @Test func errorsDescribeThemselves() {
        #expect(OnSchedError.http(status: 400, message: "Email: Required.").description == "HTTP 400: Email: Required.")
        #expect(OnSchedError.http(status: 503, message: "x").isRetryable)
        #expect(!OnSchedError.http(status: 400, message: "x").isRetryable)
        #expect(OnSchedError.transport("reset").isRetryable)
        #expect(!OnSchedError.unauthorized("no").isRetryable)
        let ambiguous = OnSchedError.transport("timed out").markingMayHaveBeenApplied()
        #expect(ambiguous.mayHaveBeenApplied)
        #expect(ambiguous.description.contains("look it up"))
    }
}
