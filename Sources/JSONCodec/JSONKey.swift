/// An object key as a ``JSONScanner`` found it: where its text lies in the document (between
/// its quotes) and whether it has escapes. No copy and no `String`: the scanner compares it
/// (``JSONScanner/key(_:is:)``, ``JSONScanner/index(of:in:)``) or makes a string of it on request.
///
/// Meaningful only to the scanner that returned it.
public struct JSONKey: Sendable, Equatable {
    /// Offset of the key's first byte after the opening quote.
    let offset: Int
    /// Bytes up to the closing quote (escapes not resolved).
    let count: Int
    /// Whether the text has a backslash escape.
    let escaped: Bool
}
