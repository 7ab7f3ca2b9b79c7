import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program for a test, safely while other tests run in parallel.
///
/// Foundation's `Process` on Linux emulates close-on-exec by listing the open descriptors before
/// `posix_spawn`; a descriptor another thread opens in between leaks into the child. When that
/// child lives long (dnsmasq, an emulator), it keeps another `Process`'s exit-notification socket
/// or output pipe open, and `waitUntilExit` or reading to the end hangs. Here the child closes
/// every descriptor above 2 at spawn (`posix_spawn_file_actions_addclosefrom_np`, glibc ≥ 2.34),
/// the pipes are close-on-exec in the parent, and exits are collected with `waitpid`.
public final class ChildProcess: Sendable {
    /// How a child ended.
    public struct Result: Sendable {
        /// The exit code, or 128 + the signal number when a signal ended it.
        public var status: Int32
        /// The signal that ended the child, if one did.
        public var signal: Int32?
        public var stdout: Data
        public var stderr: Data
        /// The child was killed because it outlived its time limit.
        public var timedOut: Bool

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    public enum SpawnError: Error, CustomStringConvertible {
        case failed(String, Int32)
        public var description: String {
            switch self {
            case let .failed(what, code): "cannot start \(what): \(String(cString: strerror(code)))"
            }
        }
    }

    public let pid: pid_t
    private let stdinFD: Mutex<Int32>
    private let output: Collector
    private let exit = Mutex<(status: Int32, signal: Int32?)?>(nil)

    /// Starts `executable` with `arguments`, in `directory`, with exactly `environment` (the
    /// test's own when `nil`). Standard input is a pipe (see ``writeInput(_:)``, ``closeInput()``).
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                directory: String? = nil) throws {
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw SpawnError.failed(executable, errno)
        }
        // Close-on-exec in the parent (pipe2 is not exported to Swift); children started here close
        // everything above 2 anyway, so the instant between pipe and fcntl harms no one of ours.
        for fd in inPipe + outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        if let directory {
            guard let chdir = Self.addchdir else { throw SpawnError.failed("\(executable) (no posix_spawn chdir)", ENOSYS) }
            _ = directory.withCString { chdir(&actions, $0) }
        }
        guard let closefrom = Self.addclosefrom else { throw SpawnError.failed("\(executable) (no closefrom)", ENOSYS) }
        _ = closefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Children start with default signal handling and nothing blocked, whatever the test thread had.
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in env { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, env)
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw SpawnError.failed(executable, rc)
        }
        self.pid = pid
        stdinFD = Mutex(inPipe[1])
        output = Collector(stdout: outPipe[0], stderr: errPipe[0])
    }

    deinit {
        closeInput()
        if exit.withLock({ $0 == nil }) {
            Glibc.kill(pid, SIGKILL)
            _ = reap(block: true)
        }
    }

    /// Writes to the child's standard input.
    public func writeInput(_ data: Data) {
        _ = Self.ignoreBrokenPipes
        stdinFD.withLock { fd in
            guard fd >= 0 else { return }
            data.withUnsafeBytes { buf in
                var done = 0
                while done < buf.count {
                    let n = Glibc.write(fd, buf.baseAddress! + done, buf.count - done)
                    if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                    done += n
                }
            }
        }
    }

    public func closeInput() {
        _ = Self.ignoreBrokenPipes
        stdinFD.withLock { fd in
            if fd >= 0 { close(fd); fd = -1 }
        }
    }

    /// Sends `signal` (SIGKILL by default) to the child.
    public func kill(_ signal: Int32 = SIGKILL) {
        if exit.withLock({ $0 == nil }) { _ = Glibc.kill(pid, signal) }
    }

    /// Standard output so far.
    public var stdoutSoFar: Data { output.stdoutSoFar }

    /// Waits until standard output holds a whole line, and returns it (without the newline).
    public func firstLine(timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let out = output.stdoutSoFar
            if let nl = out.firstIndex(of: UInt8(ascii: "\n")) {
                return String(decoding: out[..<nl], as: UTF8.self)
            }
            if isFinished { return nil }
            usleep(10_000)
        }
        return nil
    }

    public var isFinished: Bool { reap(block: false) != nil }

    /// Waits for the child to end, killing it after `timeout` seconds; then collects all its output.
    public func wait(timeout: Double = 120) -> Result {
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while reap(block: false) == nil {
            if Date() >= deadline {
                timedOut = true
                Glibc.kill(pid, SIGKILL)
                _ = reap(block: true)
                break
            }
            usleep(5_000)
        }
        let (out, err) = output.finish()
        let (status, signal) = exit.withLock { $0! }
        return Result(status: status, signal: signal, stdout: out, stderr: err, timedOut: timedOut)
    }

    /// Runs a program to its end and returns what it did.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           directory: String? = nil, input: Data? = nil, timeout: Double = 120) throws -> Result {
        let child = try ChildProcess(executable, arguments, environment: environment, directory: directory)
        if let input {
            // On a thread of its own: a child that reads slowly or never must not stop the time limit.
            Thread.detachNewThread {
                child.writeInput(input)
                child.closeInput()
            }
        } else {
            child.closeInput()
        }
        return child.wait(timeout: timeout)
    }

    @discardableResult
    private func reap(block: Bool) -> (Int32, Int32?)? {
        exit.withLock { state in
            if let state { return state }
            var status: Int32 = 0
            var r: pid_t
            repeat { r = waitpid(pid, &status, block ? 0 : WNOHANG) } while r < 0 && errno == EINTR
            guard r == pid else { return nil }
            let signal = status & 0x7f
            state = signal == 0 ? ((status >> 8) & 0xff, nil) : (128 + signal, signal)
            return state
        }
    }

    /// A child that exits before reading all its input must not kill the tests with SIGPIPE.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addclosefrom: AddCloseFrom? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }
    private static let addchdir: AddChdir? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: AddChdir.self) }
}

/// Drains a child's standard output and error on two threads, so neither pipe ever fills.
private final class Collector: Sendable {
    private final class Buffer: Sendable {
        let data = Mutex(Data())
    }

    private let out = Buffer()
    private let err = Buffer()
    private let done = DispatchGroup()

    init(stdout: Int32, stderr: Int32) {
        for (fd, box) in [(stdout, out), (stderr, err)] {
            done.enter()
            let thread = Thread { [done] in
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    box.data.withLock { $0.append(contentsOf: buffer[0..<n]) }
                }
                close(fd)
                done.leave()
            }
            thread.start()
        }
    }

    var stdoutSoFar: Data { out.data.withLock { $0 } }

    func finish() -> (Data, Data) {
        done.wait()
        return (out.data.withLock { $0 }, err.data.withLock { $0 })
    }
}
