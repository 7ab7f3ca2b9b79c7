/// The tenant's existing resources, read once through the paged list: by e-mail (to decide whether
/// a row without an id creates or updates) and by id, each with the whole resource, so that a
/// matched row can be compared with what the tenant holds (``ResourceDiff``) without another read.
public struct TenantIndex: Sendable {
    /// Lowercased e-mail → ids of the resources with it (usually one).
    private var ids: [String: [String]] = [:]
    /// Id → the resource as listed.
    private var resources: [String: Resource] = [:]

    public init() {}

    public mutating func add(_ resource: Resource) {
        guard let id = resource.id, !id.isEmpty else { return }
        resources[id] = resource
        guard let email = PlannedRow.normalize(email: resource.email) else { return }
        ids[email, default: []].append(id)
    }

    /// The ids of resources with this e-mail (lowercased key).
    public func ids(forEmail key: String) -> [String] { ids[key] ?? [] }

    /// The listed resource with this id, if the listing had it.
    public func resource(id: String) -> Resource? { resources[id] }

    /// Every listed resource (in no particular order).
    public var all: Dictionary<String, Resource>.Values { resources.values }

    /// How many resources the listing held.
    public var count: Int { resources.count }

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
