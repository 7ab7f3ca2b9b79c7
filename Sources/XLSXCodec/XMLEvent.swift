/// What ``XMLPullParser`` reads next.
public enum XMLEvent: Sendable, Equatable {
    /// An element starts: its local name (prefix dropped) and attributes (local names, values unescaped).
    case start(name: String, attributes: [XMLAttribute])
    /// An element ends (also right after the start of an empty element `<a/>`).
    case end(name: String)
    /// Character data, entities resolved, CDATA included.
    case text(String)
}
