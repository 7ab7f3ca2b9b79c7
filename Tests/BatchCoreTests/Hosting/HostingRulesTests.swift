import Testing
@testable import BatchCore
@testable import BatchRules

@Suite struct HostingRulesTests {
    @Test(arguments: ["gmail.com", "GoogleMail.com", "gmail.com."])
    func googleConsumerDomains(_ domain: String) {
        #expect(HostingRules.consumerProvider(of: domain) == .google)
    }

    @Test(arguments: ["outlook.com", "hotmail.com", "live.com", "msn.com", "passport.com", "windowslive.com",
                      "hotmail.co.uk", "hotmail.fr", "hotmail.de", "hotmail.it", "hotmail.es", "live.co.uk",
                      "live.fr", "live.com.au", "outlook.fr", "outlook.de", "HOTMAIL.CO.UK"])
    func microsoftConsumerDomains(_ domain: String) {
        #expect(HostingRules.consumerProvider(of: domain) == .microsoft)
    }

    @Test(arguments: ["acme.com", "gmail.co", "hotmail.example.org", "live.shop", "mail.hotmail.com",
                      "hotmail.net.uk", "outlook.acme.com", "notgmail.com", "live.tv", "outlook.io", ""])
    func notConsumerDomains(_ domain: String) {
        #expect(HostingRules.consumerProvider(of: domain) == nil)
    }

    @Test(arguments: ["aspmx.l.google.com", "ALT1.ASPMX.L.GOOGLE.COM.", "alt4.aspmx.l.google.com", "smtp.google.com",
                      "aspmx2.googlemail.com", "aspmx5.googlemail.com"])
    func googleWorkspaceMX(_ host: String) {
        #expect(HostingRules.classify(mxHost: host) == .init(provider: .google, consumerInfrastructure: false))
    }

    @Test(arguments: ["gmail-smtp-in.l.google.com", "alt2.gmail-smtp-in.l.google.com"])
    func consumerGmailMX(_ host: String) {
        #expect(HostingRules.classify(mxHost: host) == .init(provider: .google, consumerInfrastructure: true))
    }

    @Test(arguments: ["acme-com.mail.protection.outlook.com", "acme-com.mail.eo.outlook.com",
                      "acme-com.a1b2c3.mx.microsoft", "ACME-COM.MAIL.PROTECTION.OUTLOOK.COM."])
    func microsoft365MX(_ host: String) {
        #expect(HostingRules.classify(mxHost: host) == .init(provider: .microsoft, consumerInfrastructure: false))
    }

    @Test func consumerOutlookMX() {
        #expect(HostingRules.classify(mxHost: "hotmail-com.olc.protection.outlook.com")
            == .init(provider: .microsoft, consumerInfrastructure: true))
    }

    @Test(arguments: ["mail.acme.com", "google.com", "mx.google.com.evil.com", "aspmx.l.google.com.evil.com",
                      "alt5.aspmx.l.google.com", "aspmx1.googlemail.com", "aspmx6.googlemail.com",
                      "evilgoogle.com", "protection.outlook.com", "mail.protection.outlook.com",
                      "a.b.mail.protection.outlook.com", "outlook.com", "mx.microsoft", "x..mx.microsoft",
                      "mx.microsoft.evil.com", "smtp.google.com.evil"])
    func otherMX(_ host: String) {
        #expect(HostingRules.classify(mxHost: host) == nil)
    }

    @Test func mostPreferredMXDecides() {
        let backupGoogle = [MXRecord(preference: 20, exchange: "aspmx.l.google.com"),
                            MXRecord(preference: 10, exchange: "mail.acme.com")]
        #expect(HostingRules.verdict(domain: "acme.com", mx: backupGoogle)
            == .hostedElsewhere(domain: "acme.com", mx: ["mail.acme.com", "aspmx.l.google.com"]))
        let primaryMicrosoft = [MXRecord(preference: 20, exchange: "mail.acme.com"),
                                MXRecord(preference: 0, exchange: "acme-com.mail.protection.outlook.com")]
        #expect(HostingRules.verdict(domain: "acme.com", mx: primaryMicrosoft)
            == .hostedByProvider(domain: "acme.com", provider: .microsoft, mx: "acme-com.mail.protection.outlook.com",
                                 consumerInfrastructure: false))
        let tie = [MXRecord(preference: 5, exchange: "mail.acme.com"), MXRecord(preference: 5, exchange: "smtp.google.com")]
        #expect(HostingRules.verdict(domain: "acme.com", mx: tie).provider == .google)
        #expect(HostingRules.verdict(domain: "acme.com", mx: []) == .noMail(domain: "acme.com"))
    }
}
