import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The exclusive lock that keeps two runs off one journal: `flock` on a sidecar `JOURNAL.lock`
/// file that holds the owner's PID (so the refused run can name it).
///
/// `flock` (not `fcntl`) because its locks belong to the open file description: two opens in one
/// process conflict too, and the kernel drops the lock when the process dies, however it dies.
/// The sidecar is removed on release; since another run may have opened it just before, a run
/// that gets the lock checks that the file it locked is still the one at the path, and retries
/// otherwise (the usual lock-file race).
struct JournalLock: ~Copyable {
    let lockPath: String
    private let fd: Int32

    /// Takes the lock or throws `JournalError.locked` naming the PID written by the holder.
    init(journalPath: String) throws(JournalError) {
        let lockPath = journalPath + ".lock"
        while true {
            let fd = Glibc.open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw .io(path: lockPath, operation: "cannot create lock file", errno: errno) }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                if code == EWOULDBLOCK {
                    let pid = JournalLock.readPID(fd)
                    _ = Glibc.close(fd)
                    throw .locked(path: journalPath, pid: pid)
                }
                _ = Glibc.close(fd)
                throw .io(path: lockPath, operation: "cannot lock", errno: code)
            }
            var locked = stat()
            var current = stat()
            if fstat(fd, &locked) == 0, stat(lockPath, &current) == 0,
                locked.st_dev == current.st_dev, locked.st_ino == current.st_ino
            {
                let text = Array("\(getpid())\n".utf8)
                _ = ftruncate(fd, 0)
                _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
                self.lockPath = lockPath
                self.fd = fd
                return
            }
            // The holder removed the file between our open and our flock: lock the new one.
            _ = Glibc.close(fd)
        }
    }

    /// Releases the lock now (see `deinit`).
    consuming func release() {}

    /// Removes the lock file, then releases the lock (closing drops the flock).
    deinit {
        _ = unlink(lockPath)
        _ = Glibc.close(fd)
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }
}
