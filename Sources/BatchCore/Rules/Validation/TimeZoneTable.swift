import BatchModel

/// The time zones a resource's `timezoneId` may hold, and how a row's text maps onto them
/// (cli.md, Validation): a Windows zone id the list has is sent as it is (in the list's spelling);
/// an IANA name the list maps (`timezoneIana`, or CLDR's other names for the same Windows zone)
/// is sent as its Windows id; anything else is invalid, with the closest names suggested.
///
/// Built from the API's list (`OnSchedClient.timeZones()`, read once per run) or, for `validate`
/// without the API, from the built-in copy (``builtIn``).
public struct TimeZoneTable: Sendable {
    /// What a row's `timezoneId` text is.
    public enum Resolution: Sendable, Equatable {
        /// A Windows zone id of the list, in the list's spelling.
        case windowsId(String)
        /// An IANA name; send the Windows id instead.
        case mapped(windowsId: String)
        /// Not a zone of the list; the closest names (`W. Europe Standard Time (Europe/Berlin)`), best first.
        case unknown(suggestions: [String])
    }

    /// Windows ids as listed.
    private let windowsIds: Set<String>
    /// Lowercased Windows id → as listed.
    private let windowsByLowercase: [String: String]
    /// Lowercased IANA name → Windows id.
    private let windowsByIana: [String: String]
    /// IANA name as spelled → Windows id: the usual case, found without lowercasing.
    private let windowsByIanaExact: [String: String]
    /// The IANA name shown beside each Windows id in suggestions.
    private let primaryIana: [String: String]
    /// Every IANA name known, as spelled, for suggestions.
    private let ianaNames: [(name: String, windowsId: String)]

    /// The built-in copy of OnSched's list.
    public static let builtIn = TimeZoneTable(entries: WindowsTimeZones.entries)

    /// A table of these zones (the API's answer). CLDR's other IANA names are added for the
    /// Windows ids the list has; the list's own `timezoneIana` wins over them.
    public init(entries: [TimeZoneEntry]) {
        var ids = Set<String>()
        var byLower: [String: String] = [:]
        var byIana: [String: String] = [:]
        var primary: [String: String] = [:]
        var names: [(String, String)] = []
        for entry in entries where !entry.timezoneId.isEmpty {
            ids.insert(entry.timezoneId)
            byLower[entry.timezoneId.lowercased()] = byLower[entry.timezoneId.lowercased()] ?? entry.timezoneId
            if !entry.timezoneIana.isEmpty, byIana[entry.timezoneIana.lowercased()] == nil {
                byIana[entry.timezoneIana.lowercased()] = entry.timezoneId
                primary[entry.timezoneId] = primary[entry.timezoneId] ?? entry.timezoneIana
                names.append((entry.timezoneIana, entry.timezoneId))
            }
        }
        for (id, aliases) in WindowsTimeZones.ianaAliases where ids.contains(id) {
            for name in aliases where byIana[name.lowercased()] == nil {
                byIana[name.lowercased()] = id
                primary[id] = primary[id] ?? name
                names.append((name, id))
            }
        }
        windowsIds = ids
        windowsByLowercase = byLower
        windowsByIana = byIana
        windowsByIanaExact = Dictionary(names.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        primaryIana = primary
        ianaNames = names
    }

    /// How many Windows zone ids the table has.
    public var count: Int { windowsIds.count }

    /// What `text` (trimmed by the caller) is. Exact Windows ids and IANA names are found
    /// without lowercasing (a file of a million rows asks this a million times).
    public func resolve(_ text: String) -> Resolution {
        if windowsIds.contains(text) { return .windowsId(text) }
        if let id = windowsByIanaExact[text] { return .mapped(windowsId: id) }
        let lower = text.lowercased()
        if let id = windowsByLowercase[lower] { return .windowsId(id) }
        if let id = windowsByIana[lower] { return .mapped(windowsId: id) }
        return .unknown(suggestions: suggestions(for: text))
    }

    /// Up to three zones close to `text`, each as `Windows id (IANA name)`: an IANA city or a
    /// Windows id that is the text (`Berlin`), nearly (a typo), or contains it (`Pacific`).
    public func suggestions(for text: String, limit: Int = 3) -> [String] {
        let query = Self.normalized(text)
        guard !query.isEmpty else { return [] }
        // Lower is closer: 0 for the very name, else the edit distance plus one, or for a name
        // that contains the text, one plus half the letters it has beyond it.
        func closeness(_ candidate: String) -> Int {
            if candidate == query { return 0 }
            var score = 1 + Self.distance(query, candidate, limit: 4)
            if candidate.contains(query) { score = min(score, 1 + (candidate.count - query.count + 1) / 2) }
            return score
        }
        var scored: [(score: Int, windowsId: String, iana: String?)] = []
        for (name, id) in ianaNames {
            let city = Self.normalized(String(name.split(separator: "/").last ?? Substring(name)))
            scored.append((min(closeness(city), closeness(Self.normalized(name))), id, name))
        }
        for id in windowsIds {
            let base = Self.normalized(id.replacingOccurrences(of: " Standard Time", with: ""))
            scored.append((min(closeness(Self.normalized(id)), closeness(base)), id, nil))
        }
        let cutoff = 2 + max(1, min(3, query.count / 3))
        var out: [String] = []
        var usedIds = Set<String>()
        for s in scored.sorted(by: { ($0.score, $0.windowsId, $0.iana ?? "") < ($1.score, $1.windowsId, $1.iana ?? "") })
        where s.score <= cutoff && !usedIds.contains(s.windowsId) {
            usedIds.insert(s.windowsId)
            let iana = s.iana ?? primaryIana[s.windowsId]
            out.append(iana.map { "\(s.windowsId) (\($0))" } ?? s.windowsId)
            if out.count == limit { break }
        }
        return out
    }

    /// Lowercased, with `_`, `-`, `.` and spaces removed: `new_york`, `New York` and `NewYork` meet.
    private static func normalized(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { !" _-.".unicodeScalars.contains($0) }.map(Character.init))
    }

    /// Levenshtein distance, or `limit + 1` as soon as it is known to exceed `limit`.
    private static func distance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if abs(a.count - b.count) > limit { return limit + 1 }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            var rowMin = current[0]
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                rowMin = min(rowMin, current[j])
            }
            if rowMin > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return min(previous[b.count], limit + 1)
    }
}
