import Foundation
import TestSupport
import Testing
@testable import BatchCore
@testable import BatchJobs

#if canImport(Glibc)
import Glibc
#endif

@Suite struct TenantLockTests {
    @Test func oneTenantAndLocationOneRunAndTheHolderIsNamed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let api = URL(string: "https://api.example:8443")!
        let held = try TenantLock(apiURL: api, clientId: "client-a", locationId: "7", directory: dir.url.path)
        #expect(throws: TenantLockError.busy(pid: getpid())) {
            _ = try TenantLock(apiURL: api, clientId: "client-a", locationId: "7", directory: dir.url.path)
        }
        // Another location, client or host is another tenant.
        let other = try TenantLock(apiURL: api, clientId: "client-a", locationId: "8", directory: dir.url.path)
        let client = try TenantLock(apiURL: api, clientId: "client-b", locationId: "7", directory: dir.url.path)
        #expect(!held.path.contains("client-a"), "the key is hashed into the name")
        held.release()
        let again = try TenantLock(apiURL: api, clientId: "client-a", locationId: "7", directory: dir.url.path)
        again.release()
        other.release()
        client.release()
        #expect(TenantLockError.busy(pid: 42).description.contains("process 42"))
    }
}
