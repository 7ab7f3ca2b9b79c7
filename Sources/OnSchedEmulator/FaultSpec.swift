import Foundation

/// Failures the emulator injects into `/setup/...` calls, at given rates.
///
/// Written on the command line as `error=0.05,throttle=0.02,reset=0.01,commit-then-fail=0.02,latency=20ms`:
/// - `error`: answer 500 without applying anything;
/// - `throttle`: answer 429 with `Retry-After: 1`;
/// - `reset`: close the connection without answering, before applying anything;
/// - `commit-then-fail`: apply the write, then answer 502 (the case that tempts a client into
///   creating twice);
/// - `latency`: delay every `/setup/...` request (`20ms`, `0.02s`, `1s`).
///
/// Rates are probabilities in 0...1 whose sum is at most 1; one draw per request decides.
public struct FaultSpec: Sendable, Equatable, CustomStringConvertible {
    /// Probability of a 500 answer without applying.
    public var error: Double
    /// Probability of a 429 answer with `Retry-After: 1`.
    public var throttle: Double
    /// Probability of closing the connection without answering.
    public var reset: Double
    /// Probability of applying a write and then answering 502.
    public var commitThenFail: Double
    /// Delay added to every `/setup/...` request, in seconds.
    public var latency: TimeInterval

    /// No faults at all.
    public static let none = FaultSpec()

    /// Creates a spec from rates; no validation beyond what ``init(parsing:)`` would do is needed
    /// by callers that build it in code.
    public init(error: Double = 0, throttle: Double = 0, reset: Double = 0, commitThenFail: Double = 0, latency: TimeInterval = 0) {
        self.error = error
        self.throttle = throttle
        self.reset = reset
        self.commitThenFail = commitThenFail
        self.latency = latency
    }

    /// Parses `key=value` pairs separated by commas. An empty string or `none` is ``none``.
    ///
    /// - Throws: ``FaultSpecError`` naming the bad part: an unknown key, a rate outside 0...1,
    ///   rates summing above 1, or a latency without a unit.
    public init(parsing spec: String) throws {
        self.init()
        let trimmed = spec.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.lowercased() == "none" { return }
        var seen = Set<String>()
        for rawPart in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let part = rawPart.trimmingCharacters(in: .whitespaces)
            guard let eq = part.firstIndex(of: "=") else {
                throw FaultSpecError("fault '\(part)' has no value; expected KEY=VALUE, e.g. error=0.05 or latency=20ms")
            }
            let key = part[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = part[part.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard seen.insert(key).inserted else { throw FaultSpecError("fault '\(key)' is given twice") }
            switch key {
            case "error": self.error = try Self.rate(key, value)
            case "throttle": self.throttle = try Self.rate(key, value)
            case "reset": self.reset = try Self.rate(key, value)
            case "commit-then-fail", "committhenfail", "commit_then_fail": self.commitThenFail = try Self.rate(key, value)
            case "latency": self.latency = try Self.duration(value)
            default:
                throw FaultSpecError("unknown fault '\(key)'; known: error, throttle, reset, commit-then-fail, latency")
            }
        }
        let sum = error + throttle + reset + commitThenFail
        if sum > 1.000_000_1 {
            throw FaultSpecError("fault rates add up to \(sum), more than 1")
        }
    }

    /// True when nothing is injected.
    public var isNone: Bool { self == .none }

    /// The spec in the syntax ``init(parsing:)`` reads, listing only non-zero entries.
    public var description: String {
        var parts: [String] = []
        if error > 0 { parts.append("error=\(error)") }
        if throttle > 0 { parts.append("throttle=\(throttle)") }
        if reset > 0 { parts.append("reset=\(reset)") }
        if commitThenFail > 0 { parts.append("commit-then-fail=\(commitThenFail)") }
        if latency > 0 { parts.append("latency=\(Int((latency * 1000).rounded()))ms") }
        return parts.isEmpty ? "none" : parts.joined(separator: ",")
    }

    private static func rate(_ key: String, _ value: String) throws -> Double {
        var text = value
        var scale = 1.0
        if text.hasSuffix("%") { text.removeLast(); scale = 0.01 }
        guard let number = Double(text), number.isFinite else {
            throw FaultSpecError("fault '\(key)' needs a rate between 0 and 1, got '\(value)'")
        }
        let rate = number * scale
        guard (0...1).contains(rate) else {
            throw FaultSpecError("fault '\(key)' needs a rate between 0 and 1, got '\(value)'")
        }
        return rate
    }

    private static func duration(_ value: String) throws -> TimeInterval {
        let lower = value.lowercased()
        let (digits, scale): (Substring, Double)
        if lower.hasSuffix("ms") {
            (digits, scale) = (lower.dropLast(2), 0.001)
        } else if lower.hasSuffix("s") {
            (digits, scale) = (lower.dropLast(1), 1)
        } else {
            throw FaultSpecError("latency '\(value)' needs a unit: ms or s (e.g. latency=20ms or latency=0.02s)")
        }
        guard let number = Double(digits.trimmingCharacters(in: .whitespaces)), number.isFinite, number >= 0, number * scale <= 60 else {
            throw FaultSpecError("latency '\(value)' is not a duration between 0 and 60 s (e.g. 20ms, 0.02s, 1s)")
        }
        return number * scale
    }
}
