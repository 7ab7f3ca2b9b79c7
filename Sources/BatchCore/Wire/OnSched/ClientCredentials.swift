
/// The OAuth client id and secret (from `ONSCHED_CLIENT_ID` / `ONSCHED_CLIENT_SECRET`).
///
/// Every textual view (`description`, `debugDescription`, `dump`, string interpolation) hides
/// the secret, so it can never leak into a log, a report or an error message.
public struct ClientCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public let id: String
    public let secret: String

    public init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    public var description: String { "ClientCredentials(id: \(id), secret: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["id": id, "secret": "<redacted>"]) }
}
