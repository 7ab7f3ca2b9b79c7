import BatchModel

/// A resource's outcome as the API answered it, with the authorization link the driver fetched
/// for it when the answer had an unauthorized calendar and no link (or why it could not).
///
/// It carries a `ResourceOutcome` (the ten values a row's outcome reads), not a whole
/// `Resource`: the bulk answer's values travel from the worker to the core with every answered
/// row, and the other thirty were never read (issue 17).
public struct AnsweredResource: Sendable, Equatable {
    public var resource: ResourceOutcome
    /// Set when the link could not be fetched; the row still succeeds, with this warning.
    public var linkWarning: String?

    /// Inlinable: made once per answered resource in another module (``ImportJob``).
    @inlinable
    public init(_ resource: ResourceOutcome, linkWarning: String? = nil) {
        self.resource = resource
        self.linkWarning = linkWarning
    }

    /// The outcome of a whole resource (a lookup's answer), with its link warning.
    public init(_ resource: Resource, linkWarning: String? = nil) {
        self.init(ResourceOutcome(resource), linkWarning: linkWarning)
    }
}
