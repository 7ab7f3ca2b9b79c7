
/// Who hosts an e-mail domain, as far as calendar ids are concerned: Google, Microsoft, or
/// anyone else (which cannot hold a Google or Outlook calendar id).
public enum HostingProvider: String, Sendable, Hashable, CaseIterable {
    case google
    case microsoft
    case other

    /// "Google", "Microsoft", or "neither Google nor Microsoft", for messages.
    public var displayName: String {
        switch self {
        case .google: return "Google"
        case .microsoft: return "Microsoft"
        case .other: return "neither Google nor Microsoft"
        }
    }
}
