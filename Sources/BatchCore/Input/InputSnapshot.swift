#if canImport(Glibc)
import Glibc
#endif

/// What an input file looked like when reading began (device, inode, size, modification time),
/// taken again once it has been read: a file rewritten under a run (tonight's HR export landing in
/// the middle of an import) is an error, never a silent mix of old and new rows.
public struct InputSnapshot: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modifiedSeconds: Int
    public var modifiedNanoseconds: Int

    /// The snapshot of the regular file at `path`; nil for standard input, a pipe or a device,
    /// which cannot change under the reader.
    public static func take(path: String) -> InputSnapshot? {
        guard path != "-" else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return InputSnapshot(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                             modifiedSeconds: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec))
    }

    /// What differs in `later`, in words (nil when nothing does).
    public func change(to later: InputSnapshot?) -> String? {
        guard let later else { return "it was removed or replaced by something that is not a file" }
        if later.device != device || later.inode != inode { return "it was replaced by another file" }
        if later.size != size { return "its size went from \(size) to \(later.size) bytes" }
        if later.modifiedSeconds != modifiedSeconds || later.modifiedNanoseconds != modifiedNanoseconds {
            return "it was modified"
        }
        return nil
    }
}
