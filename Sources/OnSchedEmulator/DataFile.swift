import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `DIR/emulator.json`: where a persistent emulator keeps its tenant. Written atomically (a
/// temporary file in the same directory, `fsync`, then `rename`), so a crash or a kill leaves
/// either the old file or the new one, never half of one.
///
/// The whole file is rewritten after every change, so a change costs time in proportion to the
/// tenant (resources are stored compactly and their JSON cached to keep that small): creating
/// 10,000 resources 100 per call took about 3 s, 30,000 about 20 s on a busy 2-core machine
/// (`resource-batch-bench emulator --import N`).
struct DataFile: Sendable {
    let directory: String

    var path: String { (directory as NSString).appendingPathComponent("emulator.json") }

    /// The stored tenant, or `nil` when there is no file yet.
    func load() throws -> ResourceStore? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EmulatorError("cannot read \(path)")
        }
        guard let document = JSONValue.parse(Array(data)) else {
            throw EmulatorError("\(path) is not valid JSON")
        }
        switch ResourceStore.load(document) {
        case .success(let store): return store
        case .failure(let errors):
            throw EmulatorError("\(path) is not an emulator data file: \(String(decoding: errors.body.serialized(), as: UTF8.self))")
        }
    }

    /// Creates the directory when missing.
    func prepare() throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw EmulatorError("cannot create data directory \(directory): \(error.localizedDescription)")
        }
    }

    /// Replaces the file with `store` atomically.
    func save(_ store: inout ResourceStore) throws {
        let bytes = store.persistedBytes()
        let temporary = (directory as NSString).appendingPathComponent(".emulator.json.\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw EmulatorError.system("cannot write \(temporary)", errno: errno) }
        var ok = bytes.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return false }
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        let code = errno
        close(fd)
        guard ok else {
            unlink(temporary)
            throw EmulatorError.system("cannot write \(temporary)", errno: code)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw EmulatorError.system("cannot rename \(temporary) to \(path)", errno: code)
        }
    }
}
