/// Counters served by `GET /emulator/stats`, so tests can check what a client really sent.
struct EmulatorStats: Sendable, Equatable {
    /// Requests outside `/emulator/...` (token and Setup API calls), faulted ones included.
    var requests = 0
    /// Resources created (single and bulk creates, commit-then-fail ones included).
    var creates = 0
    /// Resources updated (single and bulk updates).
    var updates = 0
    /// 429 answers (rate limit and `throttle` faults).
    var throttled = 0
    /// Injected faults of every kind (error, throttle, reset, commit-then-fail).
    var faults = 0
    /// `POST /setup/v1/resources/bulk` calls that reached the handler (valid or not).
    var bulkCreateCalls = 0
    /// `PUT /setup/v1/resources/bulk` calls that reached the handler (valid or not).
    var bulkUpdateCalls = 0
    /// Resources soft-deleted (`DELETE /setup/v1/resources/{id}`).
    var deletes = 0
    /// Resources recovered (`PUT /setup/v1/resources/{id}/recover`).
    var recovers = 0

    var json: JSONValue {
        .object([
            "requests": .int(requests), "creates": .int(creates), "updates": .int(updates),
            "throttled": .int(throttled), "faults": .int(faults),
            "bulkCreateCalls": .int(bulkCreateCalls), "bulkUpdateCalls": .int(bulkUpdateCalls),
            "deletes": .int(deletes), "recovers": .int(recovers),
        ])
    }
}
