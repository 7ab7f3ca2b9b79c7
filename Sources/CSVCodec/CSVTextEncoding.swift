/// The character encoding of CSV input.
///
/// Spreadsheets exported on Windows are often Latin-1 or Windows-1252 rather than UTF-8; those are
/// transcoded to UTF-8 while reading so that everything after the reader sees UTF-8 only.
public enum CSVTextEncoding: Sendable, Equatable {
    /// UTF-8 (with or without a byte order mark); every field is validated.
    case utf8
    /// ISO-8859-1: bytes 0x80–0xFF become U+0080–U+00FF.
    case latin1
    /// Windows code page 1252: like Latin-1 except 0x80–0x9F, which follow the cp1252 table
    /// (the five undefined bytes map to the C1 control with the same value).
    case windows1252
}
