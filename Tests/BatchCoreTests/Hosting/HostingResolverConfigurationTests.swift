import Testing
@testable import BatchCore
@testable import BatchRules

@Suite struct HostingResolverConfigurationTests {
    @Test func parsesServerAddresses() throws {
        #expect(try DNSServerAddress(parsing: "127.0.0.1").description == "127.0.0.1:53")
        #expect(try DNSServerAddress(parsing: " 10.1.2.3:5353 ").description == "10.1.2.3:5353")
        let v6 = try DNSServerAddress(parsing: "[::1]:5300")
        #expect(v6.family == .ipv6 && v6.port == 5300 && v6.host == "::1" && v6.description == "[::1]:5300")
        #expect(try DNSServerAddress(parsing: "::1").port == 53)
        #expect(try DNSServerAddress(parsing: "127.0.0.5").isLoopback)
        for bad in ["", "dns.google", "127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:x", "[::1", "[::1]5", "1.2.3"] {
            #expect(throws: DNSError.self, "\(bad)") { try DNSServerAddress(parsing: bad) }
        }
        var message = ""
        do { _ = try DNSServerAddress(parsing: "dns.google") } catch { message = error.description }
        #expect(message.contains("dns.google") && message.contains("IP[:PORT]"))
    }

    @Test func readsResolvConf() throws {
        let conf = ResolverConfiguration.parse(resolvConf: """
            # generated
            search example.org
            nameserver 10.0.0.1
            nameserver fe80::1%eth0
            nameserver ::1
            options ndots:2 timeout:5 attempts:3 rotate
            nameserver 10.0.0.2
            nameserver 10.0.0.3
            """)
        #expect(conf.servers.map(\.description) == ["10.0.0.1:53", "[::1]:53", "10.0.0.2:53"])
        #expect(conf.timeout == .seconds(5))
        #expect(conf.retries == 2)
    }

    @Test func fallsBackToLocalhostAndDefaults() {
        let empty = ResolverConfiguration.parse(resolvConf: "search x\n")
        #expect(empty.servers.map(\.description) == ["127.0.0.1:53"])
        #expect(empty.timeout == .seconds(2))
        #expect(empty.retries == 2)
        let missing = ResolverConfiguration.system(path: "/nonexistent/resolv.conf")
        #expect(missing.servers.map(\.description) == ["127.0.0.1:53"])
    }
}
