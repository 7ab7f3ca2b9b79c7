/// Where a person lands after authorizing their calendar: the `googleAuthReturnUrl` and
/// `outlookAuthReturnUrl` query parameters of create, update, bulk and auth-link calls.
///
/// One bulk call has one query string, so every resource of a chunk shares one `ReturnURLs`
/// (hence `Hashable`: the planner groups by it).
public struct ReturnURLs: Sendable, Hashable, Codable {
    public var google: String?
    public var outlook: String?

    public init(google: String? = nil, outlook: String? = nil) {
        self.google = google
        self.outlook = outlook
    }

    /// No return URL at all.
    public static let none = ReturnURLs()

    /// The query items, in a fixed order, for the URLs that are set (empty strings are left out).
    public var queryItems: [(name: String, value: String)] {
        var items: [(String, String)] = []
        if let google, !google.isEmpty { items.append(("googleAuthReturnUrl", google)) }
        if let outlook, !outlook.isEmpty { items.append(("outlookAuthReturnUrl", outlook)) }
        return items
    }
}
