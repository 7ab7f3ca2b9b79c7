
/// The HTTP methods the OnSched client uses.
public enum HTTPMethod: String, Sendable, Hashable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case delete = "DELETE"

    /// Whether sending the same request twice has the same effect as sending it once
    /// (RFC 9110 §9.2.2). POST is not: a lost answer to a create must be looked up, not re-sent.
    public var isIdempotent: Bool { self != .post }
}
