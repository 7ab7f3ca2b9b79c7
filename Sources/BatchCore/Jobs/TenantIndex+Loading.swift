import BatchWire
import BatchSync

extension TenantIndex {
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
