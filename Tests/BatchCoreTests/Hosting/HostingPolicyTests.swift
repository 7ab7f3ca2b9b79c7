import Testing
@testable import BatchCore
@testable import BatchRules

@Suite struct HostingPolicyTests {
    static let microsoft = HostingVerdict.hostedByProvider(domain: "acme.com", provider: .microsoft,
                                                           mx: "acme-com.mail.protection.outlook.com", consumerInfrastructure: false)

    @Test func matchingProviderIsOK() {
        let google = HostingVerdict.hostedByProvider(domain: "acme.com", provider: .google, mx: "smtp.google.com", consumerInfrastructure: false)
        for policy in HostingPolicy.allCases {
            #expect(hostingIssue(for: google, expected: .google, policy: policy) == .ok)
            #expect(hostingIssue(for: .consumerDomain(domain: "gmail.com", provider: .google), expected: .google, policy: policy) == .ok)
            #expect(hostingIssue(for: .fromTable(domain: "x.com", provider: .microsoft), expected: .microsoft, policy: policy) == .ok)
        }
    }

    @Test func strictMakesProofOfAnotherHostAnError() {
        #expect(hostingIssue(for: Self.microsoft, expected: .google, policy: .strict, subject: "googleCalendarId x@acme.com")
            == .error("googleCalendarId x@acme.com is not hosted by Google: acme.com is hosted by Microsoft (MX acme-com.mail.protection.outlook.com)"))
        for verdict: HostingVerdict in [.hostedElsewhere(domain: "a.com", mx: ["mail.a.com"]), .noMail(domain: "a.com"),
                                        .nxdomain(domain: "a.com"), .consumerDomain(domain: "gmail.com", provider: .google),
                                        .fromTable(domain: "a.com", provider: .other)] {
            guard case .error = hostingIssue(for: verdict, expected: .microsoft, policy: .strict) else {
                Issue.record("\(verdict) should be an error under strict")
                continue
            }
        }
    }

    @Test func failedLookupIsOnlyAWarningUnderStrict() {
        let failed = HostingVerdict.lookupFailed(domain: "x.com", reason: "DNS server 127.0.0.1:53 timed out")
        #expect(hostingIssue(for: failed, expected: .google, policy: .strict)
            == .warning("could not check that x.com is hosted by Google: lookup of x.com failed: DNS server 127.0.0.1:53 timed out"))
    }

    @Test func warnTurnsEverythingIntoWarningsAndOffIntoOK() {
        for verdict: HostingVerdict in [Self.microsoft, .noMail(domain: "a.com"), .nxdomain(domain: "a.com"),
                                        .lookupFailed(domain: "a.com", reason: "x")] {
            guard case .warning = hostingIssue(for: verdict, expected: .google, policy: .warn) else {
                Issue.record("\(verdict) should be a warning under warn")
                continue
            }
            #expect(hostingIssue(for: verdict, expected: .google, policy: .off) == .ok)
        }
    }

    @Test func explanations() {
        #expect(HostingVerdict.hostedByProvider(domain: "acme.com", provider: .google, mx: "aspmx.l.google.com", consumerInfrastructure: false).explanation
            == "acme.com is hosted by Google (MX aspmx.l.google.com)")
        #expect(HostingVerdict.noMail(domain: "example.org").explanation == "example.org has no mail servers (no MX records)")
        #expect(HostingVerdict.nxdomain(domain: "nosuch.example").explanation == "nosuch.example does not exist (NXDOMAIN)")
        #expect(HostingVerdict.lookupFailed(domain: "x.com", reason: "DNS server 127.0.0.1:53 timed out").explanation
            == "lookup of x.com failed: DNS server 127.0.0.1:53 timed out")
        #expect(HostingVerdict.hostedElsewhere(domain: "a.com", mx: ["mx1.a.com", "mx2.a.com"]).explanation
            == "a.com is hosted by neither Google nor Microsoft (MX mx1.a.com, mx2.a.com)")
        #expect(HostingVerdict.hostedElsewhere(domain: "a.com", mx: (1...40).map { "mx\($0).a.com" }).explanation
            == "a.com is hosted by neither Google nor Microsoft (MX mx1.a.com, mx2.a.com, mx3.a.com, … (40 in all))")
        #expect(HostingVerdict.lookupFailed(domain: "x.com", reason: "r").provider == nil)
        #expect(HostingVerdict.noMail(domain: "x.com").provider == .other)
    }
}
