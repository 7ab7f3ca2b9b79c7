/// Options of cli.md's Validation section that shape every row's checks.
public struct ValidationOptions: Sendable {
    /// `--google-return-url` / `--outlook-return-url`: used where a row has no return URL column.
    public var returnURLs = ReturnURLs()
    /// `--location-id`: the location of new resources that name none.
    public var locationId: String?
    public var hostingPolicy: HostingPolicy = .strict

    public init() {}
}
