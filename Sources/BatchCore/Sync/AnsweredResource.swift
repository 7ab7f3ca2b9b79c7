import BatchModel

/// A resource as the API answered it, with the authorization link the driver fetched for it when
/// the answer had an unauthorized calendar and no link (or why it could not).
public struct AnsweredResource: Sendable, Equatable {
    public var resource: Resource
    /// Set when the link could not be fetched; the row still succeeds, with this warning.
    public var linkWarning: String?

    public init(_ resource: Resource, linkWarning: String? = nil) {
        self.resource = resource
        self.linkWarning = linkWarning
    }
}
