import BatchModel

/// The tenant's existing resources, read once through the paged list: by e-mail (to decide whether
/// a row without an id creates or updates) and by id, each with the whole resource, so that a
/// matched row can be compared with what the tenant holds (``ResourceDiff``) without another read.
public struct TenantIndex: Sendable {
    /// Lowercased e-mail → ids of the resources with it (usually one).
    private var ids: [String: [String]] = [:]
    /// Id → the resource as listed.
    private var resources: [String: Resource] = [:]
    /// The deleted resources (the list with `deleted=true`), for returning staff: id → resource,
    /// and lowercased e-mail → ids.
    private var deleted: [String: Resource] = [:]
    private var deletedIds: [String: [String]] = [:]

    public init() {}

    public mutating func add(_ resource: Resource) {
        guard let id = resource.id, !id.isEmpty else { return }
        resources[id] = resource
        guard let email = PlannedRow.normalize(email: resource.email) else { return }
        ids[email, default: []].append(id)
    }

    /// Adds a deleted resource (one a returning person's row may recover).
    public mutating func addDeleted(_ resource: Resource) {
        guard let id = resource.id, !id.isEmpty, resources[id] == nil else { return }
        deleted[id] = resource
        guard let email = PlannedRow.normalize(email: resource.email) else { return }
        deletedIds[email, default: []].append(id)
    }

    /// The ids of deleted resources with this e-mail (lowercased key).
    public func deletedIds(forEmail key: String) -> [String] { deletedIds[key] ?? [] }

    /// The deleted resource with this id, if the listing had it.
    public func deletedResource(id: String) -> Resource? { deleted[id] }

    /// Every deleted resource listed.
    public var allDeleted: Dictionary<String, Resource>.Values { deleted.values }

    /// The ids of resources with this e-mail (lowercased key).
    public func ids(forEmail key: String) -> [String] { ids[key] ?? [] }

    /// The listed resource with this id, if the listing had it.
    public func resource(id: String) -> Resource? { resources[id] }

    /// Every listed resource (in no particular order).
    public var all: Dictionary<String, Resource>.Values { resources.values }

    /// How many resources the listing held.
    public var count: Int { resources.count }
}
