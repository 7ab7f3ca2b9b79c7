/// The cell formats the writer's style sheet holds (their `s` indexes).
public enum XLSXStyle: Int, Sendable, Equatable {
    case plain = 0
    case bold = 1
    /// Wrapped, top-aligned: long messages readable without scrolling sideways.
    case wrapped = 2
    case link = 3
}
