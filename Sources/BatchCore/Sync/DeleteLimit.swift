/// How many resources one run may delete (cli.md, Sync: the guard against a truncated export):
/// a number, or a percentage of the resources the input manages (at least 1).
public enum DeleteLimit: Sendable, Equatable {
    case count(Int)
    case percent(Double)

    /// The default: 5 % of the managed resources.
    public static let standard = DeleteLimit.percent(5)

    /// `N` or `P%` (N ≥ 0, 0 ≤ P ≤ 100); `nil` for anything else.
    public init?(text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%") {
            guard let p = Double(t.dropLast()), p.isFinite, p >= 0, p <= 100 else { return nil }
            self = .percent(p)
        } else {
            guard let n = Int(t), n >= 0 else { return nil }
            self = .count(n)
        }
    }

    /// The most resources a run may delete when it manages `managed` of them.
    public func limit(managed: Int) -> Int {
        switch self {
        case .count(let n): n
        case .percent(let p): max(1, Int((Double(managed) * p / 100).rounded(.down)))
        }
    }

    public var description: String {
        switch self {
        case .count(let n): "\(n)"
        case .percent(let p): p == p.rounded() ? "\(Int(p))%" : "\(p)%"
        }
    }
}
