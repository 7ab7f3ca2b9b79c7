/// Trims whitespace as Foundation's `trimmingCharacters(in:)` does with `.whitespaces` and
/// `.whitespacesAndNewlines`, without bridging through `NSString`: a row's e-mail was trimmed
/// three times per import row at about 20,000 instructions each (issue 17).
///
/// The sets, as Foundation on Linux has them (checked scalar by scalar in the tests): `.whitespaces`
/// is Unicode category Zs, TAB and U+200B; `.whitespacesAndNewlines` adds Zl, Zp, U+000A–U+000D
/// and U+0085. A string whose first and
/// last bytes are printable ASCII is returned as it is without looking further.
package enum WhitespaceTrim {
    /// `text` without leading and trailing `.whitespaces`.
    package static func whitespaces(_ text: String) -> String {
        trim(text, newlines: false)
    }

    /// `text` without leading and trailing `.whitespacesAndNewlines`.
    package static func whitespacesAndNewlines(_ text: String) -> String {
        trim(text, newlines: true)
    }

    private static func trim(_ text: String, newlines: Bool) -> String {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last else { return text }
        // Printable ASCII at both ends: nothing to trim (the common case, no scalar decoding).
        if first > 0x20, first < 0x7F, last > 0x20, last < 0x7F { return text }
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, isSpace(scalars[start], newlines: newlines) { start = scalars.index(after: start) }
        while end > start, isSpace(scalars[scalars.index(before: end)], newlines: newlines) { end = scalars.index(before: end) }
        if start == scalars.startIndex, end == scalars.endIndex { return text }
        return String(scalars[start..<end])
    }

    private static func isSpace(_ scalar: Unicode.Scalar, newlines: Bool) -> Bool {
        switch scalar.value {
        case 0x09, 0x20: return true
        case 0x0A...0x0D, 0x85: return newlines
        case 0..<0x80: return false
        case 0x200B: return true  // ZERO WIDTH SPACE: in Foundation's sets, although it is Cf
        default:
            switch scalar.properties.generalCategory {
            case .spaceSeparator: return true
            case .lineSeparator, .paragraphSeparator: return newlines
            default: return false
            }
        }
    }
}
