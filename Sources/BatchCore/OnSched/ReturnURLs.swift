/// The return URLs of one bulk call: one query string per call, so every resource in it shares them.
public struct ReturnURLs: Sendable, Hashable, Codable {
    public var google: String?
    public var outlook: String?
    public init(google: String? = nil, outlook: String? = nil) {
        self.google = google
        self.outlook = outlook
    }
}
