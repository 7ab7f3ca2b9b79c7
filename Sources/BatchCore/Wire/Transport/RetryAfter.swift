import Foundation

/// Parses the `Retry-After` header (RFC 9110 §10.2.3): delay seconds or an HTTP date.
public enum RetryAfter {
    /// Seconds to wait from `now`, or `nil` when the header is unusable.
    ///
    /// Accepts a non-negative number of seconds (decimals tolerated) and the three HTTP date
    /// formats (IMF-fixdate, RFC 850, asctime). A date in the past gives 0.
    public static func parse(_ header: String, now: Date) -> Double? {
        let text = header.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        if text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }) {
            guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else { return nil }
            return seconds
        }
        // asctime pads the day with a space ("Nov  6"): collapse runs of spaces.
        let collapsed = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        for format in formats {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "GMT")
            f.dateFormat = format
            if let date = f.date(from: collapsed) {
                return max(0, date.timeIntervalSince(now))
            }
        }
        return nil
    }

    private static let formats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "EEEE, dd-MMM-yy HH:mm:ss zzz",   // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        "EEE MMM d HH:mm:ss yyyy",         // asctime: Sun Nov  6 08:49:37 1994
    ]
}
