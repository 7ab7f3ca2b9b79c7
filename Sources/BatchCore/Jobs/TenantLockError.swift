/// Why an import could not take its tenant's lock (``TenantLock``).
public enum TenantLockError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another run holds the tenant and location (its PID when it wrote one).
    case busy(pid: Int32?)
    /// The lock's directory or file cannot be used.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .busy(let pid?):
            "another import (process \(pid)) is running against this tenant and location; nothing was sent: "
                + "wait for it to finish or stop it"
        case .busy(nil):
            "another import is running against this tenant and location; nothing was sent: wait for it to finish or stop it"
        case .io(let path, let reason):
            "cannot use the tenant lock \(path): \(reason)"
        }
    }
}
