/// One time zone a resource may have, as `GET /setup/v1/resources/timezones` lists it: a Windows
/// zone id (`W. Europe Standard Time`), which is what a resource's `timezoneId` holds, and the IANA
/// name it corresponds to (`Europe/Berlin`), which the API derives as `timezoneIana`.
public struct TimeZoneEntry: Sendable, Hashable, Decodable {
    /// The Windows zone id: the value to send as `timezoneId`.
    public var timezoneId: String
    /// The IANA name (`Europe/Berlin`); empty when the answer gave none.
    public var timezoneIana: String
    /// The human-readable name (`(UTC+01:00) Amsterdam, Berlin, …`), when given.
    public var displayName: String?

    public init(timezoneId: String, timezoneIana: String, displayName: String? = nil) {
        self.timezoneId = timezoneId
        self.timezoneIana = timezoneIana
        self.displayName = displayName
    }

    enum CodingKeys: String, CodingKey { case timezoneId, timezoneIana, displayName, id }

    /// Lenient: the id may be `timezoneId` or `id`; a missing IANA name reads as empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func str(_ k: CodingKeys) -> String? { (try? c.decodeIfPresent(LenientString.self, forKey: k))??.value }
        guard let id = str(.timezoneId) ?? str(.id), !id.isEmpty else {
            throw DecodingError.keyNotFound(
                CodingKeys.timezoneId, DecodingError.Context(codingPath: c.codingPath, debugDescription: "missing timezoneId"))
        }
        timezoneId = id
        timezoneIana = str(.timezoneIana) ?? ""
        displayName = str(.displayName)
    }
}
