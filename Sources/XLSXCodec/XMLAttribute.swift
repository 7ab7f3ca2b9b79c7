/// One attribute of an element.
public struct XMLAttribute: Sendable, Equatable {
    /// The local name (`id` for `r:id`).
    public var name: String
    /// The prefix (`r` for `r:id`), empty when none.
    public var prefix: String
    public var value: String
}

extension [XMLAttribute] {
    /// The value of the attribute with local name `name` (and `prefix`, when given).
    public func value(_ name: String, prefix: String? = nil) -> String? {
        first { $0.name == name && (prefix == nil || $0.prefix == prefix) }?.value
    }
}
