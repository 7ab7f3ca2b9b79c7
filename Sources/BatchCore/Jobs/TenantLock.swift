import BatchJournal
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Keeps two imports against one tenant and location on this machine from overlapping, whatever
/// their journals (two overlapping runs with different journals each created every person).
///
/// The key is the API host (and port), the OAuth client id and the location; the lock is a
/// `flock` on a file named by a hash of that key (no client id in a file name), in
/// `$XDG_RUNTIME_DIR/resource-batch-locks` or `/tmp/resource-batch-locks-UID`: outside the
/// report's folder, so two runs writing to different folders still meet. It is held until
/// ``release()`` or until the process ends, however it ends (the kernel drops a `flock`).
public final class TenantLock {
    /// The lock file.
    public let path: String
    private var lock: JournalLock?

    /// Takes the lock for this tenant and location, or throws ``TenantLockError/busy(pid:)``
    /// naming the process that holds it.
    public init(apiURL: URL, clientId: String, locationId: String?, directory: String? = nil) throws {
        let dir = directory ?? Self.defaultDirectory()
        if mkdir(dir, 0o700) != 0 && errno != EEXIST {
            throw TenantLockError.io(path: dir, reason: String(cString: strerror(errno)))
        }
        let key = "\(apiURL.host ?? "")|\(apiURL.port.map(String.init) ?? "")|\(clientId)|\(locationId ?? "")"
        let base = dir + "/tenant-" + Self.hash(key)
        do {
            lock = try JournalLock(journalPath: base)
        } catch {
            if case .locked(_, let pid) = error { throw TenantLockError.busy(pid: pid) }
            throw TenantLockError.io(path: base + ".lock", reason: error.description)
        }
        path = base + ".lock"
    }

    /// Releases the lock now (the process exiting releases it too).
    public func release() {
        lock = nil
    }

    /// `$XDG_RUNTIME_DIR/resource-batch-locks` when that directory exists, else a per-user
    /// directory in /tmp.
    static func defaultDirectory() -> String {
        if let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"], !runtime.isEmpty,
           FileManager.default.fileExists(atPath: runtime) {
            return runtime + "/resource-batch-locks"
        }
        return "/tmp/resource-batch-locks-\(getuid())"
    }

    /// FNV-1a, 64 bits, as hex: a stable file name for the key (not a secret: a client id is no secret).
    static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h &*= 0x100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
