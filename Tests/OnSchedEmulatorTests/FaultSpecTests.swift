import Testing
@testable import OnSchedEmulator

@Suite struct FaultSpecTests {
    @Test func parsesEveryKey() throws {
        let spec = try FaultSpec(parsing: "error=0.05,throttle=0.02,reset=0.01,commit-then-fail=0.02,latency=20ms")
        #expect(spec == FaultSpec(error: 0.05, throttle: 0.02, reset: 0.01, commitThenFail: 0.02, latency: 0.02))
    }

    @Test func descriptionParsesBack() throws {
        let spec = FaultSpec(error: 0.05, throttle: 0.02, reset: 0.01, commitThenFail: 0.02, latency: 0.02)
        #expect(try FaultSpec(parsing: spec.description) == spec)
        #expect(FaultSpec.none.description == "none")
    }

    @Test func latencyUnits() throws {
        #expect(try FaultSpec(parsing: "latency=0.02s").latency == 0.02)
        #expect(try FaultSpec(parsing: "latency=1s").latency == 1)
        #expect(try FaultSpec(parsing: "latency=20ms").latency == 0.02)
    }

    @Test func emptyAndNone() throws {
        #expect(try FaultSpec(parsing: "") == .none)
        #expect(try FaultSpec(parsing: "none") == .none)
    }

    @Test(arguments: ["error", "error=2", "bogus=0.1", "latency=20", "error=0.6,throttle=0.6", "error=abc", "error=0.1,error=0.2"])
    func rejectsBadSpecs(_ text: String) {
        #expect(throws: FaultSpecError.self) { try FaultSpec(parsing: text) }
    }

    @Test func messageNamesTheProblem() {
        do {
            _ = try FaultSpec(parsing: "bogus=0.1")
            Issue.record("expected an error")
        } catch let error as FaultSpecError {
            #expect(error.message.contains("bogus"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
