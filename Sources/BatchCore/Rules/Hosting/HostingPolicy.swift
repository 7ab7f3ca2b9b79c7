
/// How hard the hosting check is (`--hosting-check strict|warn|off`).
public enum HostingPolicy: String, Sendable, Hashable, CaseIterable {
    /// Proof of the wrong host (another provider, no mail, no such domain) makes the row invalid;
    /// a failed lookup is only a warning. The default.
    case strict
    /// Every problem is only a warning.
    case warn
    /// No check.
    case off
}
