import Foundation

/// The real-time soak tests (random SIGKILL timing, fault storms ridden out until success) take
/// minutes: they run when `RESOURCE_BATCH_LONG_TESTS=1` (which `.ci/run` sets) or under CI=true,
/// so that `swift test` on a laptop stays short and CI still runs everything.
public enum LongTests {
    public static let enabled: Bool = {
        let environment = ProcessInfo.processInfo.environment
        return environment["RESOURCE_BATCH_LONG_TESTS"] == "1" || environment["CI"] == "true"
    }()
}
