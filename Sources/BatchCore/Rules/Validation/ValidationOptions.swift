import BatchModel

/// Options of cli.md's Validation section that shape every row's checks.
public struct ValidationOptions: Sendable {
    /// `--google-return-url` / `--outlook-return-url`: used where a row has no return URL column.
    public var returnURLs = ReturnURLs()
    /// `--location-id`: the location of new resources that name none.
    public var locationId: String?
    public var hostingPolicy: HostingPolicy = .strict
    /// The time zones `timezoneId` must be one of: the built-in copy of OnSched's list unless a
    /// run that talks to the API replaces it with the API's own (`OnSchedClient.timeZones()`).
    public var timeZones: TimeZoneTable = .builtIn

    public init() {}
}
