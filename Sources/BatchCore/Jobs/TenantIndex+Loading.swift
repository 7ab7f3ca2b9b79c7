import BatchModel
import BatchWire
import BatchSync

extension TenantIndex {
    /// Reads every resource of the location through the client, page by page. A large tenant takes
    /// many rate-limited pages, so `stop` is checked after each: a SIGINT or SIGTERM does not wait
    /// for the whole listing (it throws `CancellationError`).
    /// `includeDeleted` reads the list with `deleted=true` too, once, after the live resources.
    public static func load(client: OnSchedClient, locationId: String?, includeDeleted: Bool = false,
                            stop: StopSignal? = nil) async throws -> TenantIndex {
        var index = TenantIndex()
        try await client.listResources(locationId: locationId, includeDeleted: includeDeleted) { page in
            for r in page {
                if r.deletedStatus == true { index.addDeleted(r) } else { index.add(r) }
            }
            if stop?.isStopped == true { throw CancellationError() }
        }
        return index
    }
}
