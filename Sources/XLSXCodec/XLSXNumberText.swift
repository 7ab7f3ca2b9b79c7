import Foundation

/// How the reader turns a numeric cell into text: as a spreadsheet shows it in a General cell,
/// not as its XML stores it. `1.5E+10` becomes `15000000000`, `123.0` or `123` becomes `123`,
/// `0.30000000000000004` becomes `0.3` (15 significant digits, as Excel keeps), and a cell whose
/// style is a date format becomes an ISO 8601 date (`2024-03-01`, or `2024-03-01T08:30:00`).
public enum XLSXNumberText {
    /// The text of the number `stored` (the cell's `<v>`), or nil when it is not a number.
    public static func display(_ stored: String) -> String? {
        guard let value = Double(stored) ?? Double(stored.trimmingCharacters(in: .whitespaces)), value.isFinite else { return nil }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return plain(String(format: "%.15g", value))
    }

    /// `%g` output without an exponent and without trailing zeros.
    static func plain(_ g: String) -> String {
        var text = g
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        var digits = text.replacingOccurrences(of: ".", with: "")
        var point = text.firstIndex(of: ".").map { text.distance(from: text.startIndex, to: $0) } ?? text.count
        point += exponent
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        } else if point > digits.count {
            digits += String(repeating: "0", count: point - digits.count)
        }
        var whole = String(digits.prefix(point))
        var fraction = String(digits.dropFirst(point))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        while whole.count > 1, whole.hasPrefix("0") { whole.removeFirst() }
        return (negative ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// Whether the number format `id` (with `code` for custom formats, 164 and up) shows a date or time.
    public static func isDateFormat(id: Int, code: String?) -> Bool {
        switch id {
        case 14...22, 27...36, 45...47, 50...58: return true
        case 0..<164: return false
        default: break
        }
        guard let code else { return false }
        // Letters of a date or time, outside quoted text, [colors]/[$-locale] sections and escapes.
        var inQuote = false, inBracket = false, escaped = false
        for c in code {
            if escaped { escaped = false; continue }
            switch c {
            case "\\": escaped = true
            case "\"": inQuote.toggle()
            case "[" where !inQuote: inBracket = true
            case "]" where !inQuote: inBracket = false
            default:
                if !inQuote, !inBracket, "dmyhsDMYHS".contains(c) { return true }
            }
        }
        return false
    }

    /// The serial date `stored` as ISO 8601: a date, with the time when it has one.
    public static func isoDate(_ stored: String, date1904: Bool) -> String? {
        guard let serial = Double(stored) ?? Double(stored.trimmingCharacters(in: .whitespaces)), serial.isFinite, serial >= 0,
              serial < 2_958_466 else {
            return nil
        }
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 { days += 1; seconds -= 86_400 }
        // Day numbers since 1970-01-01. The 1900 system counts a 29 February 1900 that never was.
        let epoch: Int
        if date1904 {
            epoch = -24_107 // 1904-01-01 is day 0
        } else {
            epoch = days < 61 ? -25_568 : -25_569 // serial 1 is 1900-01-01
        }
        let (y, m, d) = civil(days + epoch)
        let date = String(format: "%04d-%02d-%02d", y, m, d)
        if seconds == 0 { return date }
        return date + String(format: "T%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }

    /// Year, month, day of a day number since 1970-01-01 (Howard Hinnant's civil_from_days).
    static func civil(_ z: Int) -> (Int, Int, Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
