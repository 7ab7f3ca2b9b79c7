import BatchModel
import Foundation

/// Soft delete and recovery of resources (onsched-api.md: `DELETE /setup/v1/resources/{id}`,
/// `PUT /setup/v1/resources/{id}/recover`), for the nightly sync's leavers and returners. Both
/// are idempotent, so every retryable failure is retried.
extension OnSchedClient {
    /// Soft-deletes a resource (it can be recovered); returns it as the API answers, or `nil`
    /// when the answer has no body to read.
    @discardableResult
    public func deleteResource(id: String) async throws -> Resource? {
        let response = try await perform(.delete, url: try url(["setup", "v1", "resources", id]))
        return try? ResourceAnswer.resource(response.body)
    }

    /// Restores a soft-deleted resource; returns it as the API answers, or `nil` when the answer
    /// has no body to read.
    @discardableResult
    public func recoverResource(id: String, returnURLs: ReturnURLs = .none) async throws -> Resource? {
        let response = try await perform(.put, url: try url(["setup", "v1", "resources", id, "recover"], query: returnURLs.queryItems))
        return try? ResourceAnswer.resource(response.body)
    }
}
