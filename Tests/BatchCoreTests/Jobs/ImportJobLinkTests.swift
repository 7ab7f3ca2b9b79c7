import Testing
@testable import BatchJobs
@testable import BatchModel
@testable import BatchWire

/// Which answered resources the import fetches an authorization link for (`linkToFetch`, shared
/// by the bulk answer's fast path and `withLink`): only one with an id and an unauthorized
/// calendar that came back without a link.
@Suite struct ImportJobLinkTests {
    private func resource(id: String? = "r1", google: String? = nil, googleAuthorized: Bool? = nil, googleLink: String? = nil,
                          outlook: String? = nil, outlookAuthorized: Bool? = nil, outlookLink: String? = nil) -> Resource {
        var r = Resource(id: id, name: "A", email: "a@example.com")
        r.googleCalendarId = google
        r.googleCalendarAuthorized = googleAuthorized
        r.googleCalendarAuthUrl = googleLink
        r.outlookCalendarId = outlook
        r.outlookCalendarAuthorized = outlookAuthorized
        r.outlookCalendarAuthUrl = outlookLink
        return r
    }

    private func fetched(_ r: Resource) -> String? {
        ImportJob.linkToFetch(ResourceOutcome(r)).map { "\($0.0 == .google ? "google" : "outlook") \($0.1) \($0.2)" }
    }

    @Test func anUnauthorizedCalendarWithoutALinkIsFetched() {
        #expect(fetched(resource(google: "g@x.com")) == "google g@x.com r1")
        #expect(fetched(resource(google: "g@x.com", googleAuthorized: false, googleLink: "")) == "google g@x.com r1")
        #expect(fetched(resource(outlook: "o@x.com", outlookAuthorized: false)) == "outlook o@x.com r1")
        // An empty Google id: the Outlook calendar is the one.
        #expect(fetched(resource(google: "", outlook: "o@x.com")) == "outlook o@x.com r1")
    }

    @Test func aLinkAnAuthorizationNoCalendarOrNoIdFetchesNothing() {
        #expect(fetched(resource(google: "g@x.com", googleLink: "https://accounts.example/auth")) == nil)
        #expect(fetched(resource(google: "g@x.com", googleAuthorized: true)) == nil)
        #expect(fetched(resource(outlook: "o@x.com", outlookAuthorized: true)) == nil)
        #expect(fetched(resource()) == nil)
        #expect(fetched(resource(id: nil, google: "g@x.com")) == nil)
        #expect(fetched(resource(id: "", google: "g@x.com")) == nil)
        // The Google calendar decides when there is one, even if the Outlook one would need a link.
        #expect(fetched(resource(google: "g@x.com", googleAuthorized: true, outlook: "o@x.com")) == nil)
    }
}
