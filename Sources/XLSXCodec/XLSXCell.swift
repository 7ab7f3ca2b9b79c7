/// One cell of a written row.
public enum XLSXCell: Sendable, Equatable {
    /// Nothing (no `<c>` element).
    case empty
    /// Text, always a text cell: `00123`, `+1 555 0100` and `=SUM(A1)` stay exactly that text.
    case text(String, XLSXStyle = .plain)
    /// A whole number, a number cell.
    case number(Int, XLSXStyle = .plain)
    /// A hyperlink: `display` shown in link style, clicking it opens `url`.
    case link(display: String, url: String)
}

/// The cell formats the writer's style sheet holds (their `s` indexes).
public enum XLSXStyle: Int, Sendable, Equatable {
    case plain = 0
    case bold = 1
    /// Wrapped, top-aligned: long messages readable without scrolling sideways.
    case wrapped = 2
    case link = 3
}
