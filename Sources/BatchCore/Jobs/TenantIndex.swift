/// The tenant's existing resources by e-mail, read once through the paged list, to decide
/// whether a row without an id creates or updates.
public struct TenantIndex: Sendable {
    /// Lowercased e-mail → ids of the resources with it (usually one).
    private var ids: [String: [String]] = [:]

    public init() {}

    public mutating func add(_ resource: Resource) {
        guard let id = resource.id, let email = PlannedRow.normalize(email: resource.email) else { return }
        ids[email, default: []].append(id)
    }

    /// The ids of resources with this e-mail (lowercased key).
    public func ids(forEmail key: String) -> [String] { ids[key] ?? [] }

    /// Reads every resource of the location through the client, page by page. A large tenant takes
    /// many rate-limited pages, so `stop` is checked after each: a SIGINT or SIGTERM does not wait
    /// for the whole listing (it throws `CancellationError`).
    public static func load(client: OnSchedClient, locationId: String?, stop: StopSignal? = nil) async throws -> TenantIndex {
        var index = TenantIndex()
        try await client.listResources(locationId: locationId) { page in
            for r in page { index.add(r) }
            if stop?.isStopped == true { throw CancellationError() }
        }
        return index
    }
}
