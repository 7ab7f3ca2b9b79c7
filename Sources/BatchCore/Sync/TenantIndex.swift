import BatchModel

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
}
