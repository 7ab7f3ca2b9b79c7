
/// The shared mutable counters behind `ClientStats`.
actor ClientStatsRecorder {
    private(set) var current = ClientStats()

    func request() { current.requests += 1 }
    func retry() { current.retries += 1 }
    func throttled() { current.throttled += 1 }
}
