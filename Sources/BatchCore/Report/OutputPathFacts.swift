import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the file system says about one path, gathered once (``probe(_:)``) so that
/// ``OutputPathGuard``'s decisions are a pure function of these facts, testable without files.
public struct OutputPathFacts: Sendable, Equatable {
    /// A file's identity: two paths name the same file exactly when these are equal.
    public struct Identity: Hashable, Sendable {
        public var device: UInt64
        public var inode: UInt64
        public init(device: UInt64, inode: UInt64) {
            self.device = device
            self.inode = inode
        }
    }

    /// What the last component of the path is (`lstat`: a link is not followed).
    public enum Kind: Sendable, Equatable {
        case missing
        /// A symbolic link; `dangling` when what it points to does not exist.
        case symbolicLink(target: String, dangling: Bool)
        case directory
        case regular
        case characterDevice
        /// A FIFO, a socket, a block device.
        case other
    }

    /// Why the folder a missing output would be created in is unusable.
    public enum ParentProblem: Sendable, Equatable {
        case missing(directory: String)
        case notWritable(directory: String, reason: String)
    }

    public var kind: Kind
    /// Device and inode of an existing file (not of a link).
    public var identity: Identity?
    /// The path with its folder resolved (`realpath`) and its last component kept as written:
    /// two paths of files that do not exist yet name the same file when these are equal.
    public var resolvedName: String?
    /// For an existing file: why it cannot be written, if it cannot.
    public var notWritableReason: String?
    /// For a missing file: why it cannot be created there, if it cannot.
    public var parentProblem: ParentProblem?
    /// How many names (hard links) an existing regular file has.
    public var linkCount: Int

    public init(kind: Kind, identity: Identity? = nil, resolvedName: String? = nil,
                notWritableReason: String? = nil, parentProblem: ParentProblem? = nil, linkCount: Int = 1) {
        self.linkCount = linkCount
        self.kind = kind
        self.identity = identity
        self.resolvedName = resolvedName
        self.notWritableReason = notWritableReason
        self.parentProblem = parentProblem
    }

    /// Looks `path` up without following a link in its last component.
    public static func probe(_ path: String) -> OutputPathFacts {
        let (directory, name) = split(path)
        let resolvedDirectory = realPath(directory)
        let resolvedName = resolvedDirectory.map { ($0 == "/" ? "" : $0) + "/" + name }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let code = errno
            var facts = OutputPathFacts(kind: .missing, resolvedName: resolvedName)
            if code == ENOENT || code == ENOTDIR {
                var folder = stat()
                if resolvedDirectory == nil || stat(directory, &folder) != 0 || (folder.st_mode & S_IFMT) != S_IFDIR {
                    facts.parentProblem = .missing(directory: directory)
                } else if access(directory, W_OK | X_OK) != 0 {
                    facts.parentProblem = .notWritable(directory: directory, reason: String(cString: strerror(errno)))
                }
            } else {
                facts.parentProblem = .notWritable(directory: directory, reason: String(cString: strerror(code)))
            }
            return facts
        }
        let identity = Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(path, &target, target.count - 1)
            let text = n >= 0 ? String(decoding: target[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
            var followed = stat()
            return OutputPathFacts(kind: .symbolicLink(target: text, dangling: stat(path, &followed) != 0), resolvedName: resolvedName)
        case S_IFDIR:
            return OutputPathFacts(kind: .directory, identity: identity, resolvedName: resolvedName)
        case S_IFREG, S_IFCHR:
            let writable = access(path, W_OK) == 0
            return OutputPathFacts(kind: (info.st_mode & S_IFMT) == S_IFREG ? .regular : .characterDevice,
                                   identity: identity, resolvedName: resolvedName,
                                   notWritableReason: writable ? nil : String(cString: strerror(errno)),
                                   linkCount: Int(info.st_nlink))
        default:
            return OutputPathFacts(kind: .other, identity: identity, resolvedName: resolvedName)
        }
    }

    /// The identity of the file an input path reads (links followed, as reading does), and its
    /// resolved name; `nil` identity when it cannot be looked up.
    public static func probeInput(_ path: String) -> OutputPathFacts {
        var info = stat()
        let (directory, name) = split(path)
        let resolved = realPath(path) ?? realPath(directory).map { ($0 == "/" ? "" : $0) + "/" + name }
        guard stat(path, &info) == 0 else { return OutputPathFacts(kind: .missing, resolvedName: resolved) }
        return OutputPathFacts(kind: (info.st_mode & S_IFMT) == S_IFREG ? .regular : .other,
                               identity: Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)),
                               resolvedName: resolved)
    }

    /// The folder part (`.` when there is none) and the last component of a path.
    static func split(_ path: String) -> (directory: String, name: String) {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return (".", String(trimmed)) }
        let directory = trimmed[..<slash]
        return (directory.isEmpty ? "/" : String(directory), String(trimmed[trimmed.index(after: slash)...]))
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
