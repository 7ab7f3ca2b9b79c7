@testable import BatchCore
@testable import BatchJobs
@testable import BatchRules

/// A resolver answering from a dictionary; unknown domains are NXDOMAIN.
struct FakeMXResolver: MXResolving {
    var answers: [String: Result<MXLookupResult, DNSError>]
    let log = FakeMXResolverLog()
    var gate: LookupGate?

    func lookupMX(_ domain: String) async throws -> MXLookupResult {
        await log.begin(domain)
        if let gate { await gate.wait() }
        await log.end()
        return try (answers[domain] ?? .success(.nxdomain)).get()
    }
}

