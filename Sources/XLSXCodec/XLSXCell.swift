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
