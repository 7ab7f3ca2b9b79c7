import Foundation
import TestSupport

/// A small tmpfs mounted for one test, to fill an output's disk for real (root only).
struct TmpfsMount {
    let path: String

    /// Whether tmpfs mounts can be made here (root with `mount`); under CI=true the tests that
    /// need one fail instead of skipping.
    static let isAvailable: Bool = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount")
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static let shouldRun = isAvailable || isCI

    /// Mounts a tmpfs of `kilobytes` at `path` (created if needed).
    init(at path: String, kilobytes: Int) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let r = try ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0700", "tmpfs", path], timeout: 30)
        guard r.status == 0 else { throw TmpfsError("mount failed: \(String(decoding: r.stderr, as: UTF8.self))") }
        self.path = path
    }

    /// Gives the mount `kilobytes` of room (its files stay).
    func resize(kilobytes: Int) throws {
        let r = try ChildProcess.run("/bin/mount", ["-o", "remount,size=\(kilobytes)k", path], timeout: 30)
        guard r.status == 0 else { throw TmpfsError("remount failed: \(String(decoding: r.stderr, as: UTF8.self))") }
    }

    /// Fills what room is left with a file, so that the next write fails with ENOSPC.
    func fill() {
        let fd = open(path + "/filler", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        let block = [UInt8](repeating: 0x2E, count: 4096)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        _ = close(fd)
    }

    func unmount() {
        _ = try? ChildProcess.run("/bin/umount", ["-l", path], timeout: 30)
    }
}

struct TmpfsError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
