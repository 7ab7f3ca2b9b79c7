
/// Thrown instead of waiting when the run has decided to stop: the request that would have
/// waited (for the rate limiter's pause or a retry's back-off) was not sent.
public struct StoppedWhileWaiting: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the request was waiting for: "the rate limit", "a retry".
    public var waitingFor: String

    public init(waitingFor: String) {
        self.waitingFor = waitingFor
    }

    public var description: String { "the run is stopping: a request waiting for \(waitingFor) was not sent" }
}
