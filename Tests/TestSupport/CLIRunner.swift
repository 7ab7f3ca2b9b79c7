import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What one run of the binary did.
public struct CLIResult: CustomStringConvertible {
    public var status: Int32
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    /// The run was killed because it outlived its time limit (a hang, not a slow machine).
    public var timedOut: Bool
    /// The signal that ended the process (a crash: SIGSEGV, SIGABRT, …), if one did.
    public var signal: Int32? = nil
    /// How long the run took (for messages only: no test asserts a duration).
    public var seconds: Double = 0

    public init(status: Int32, stdout: [UInt8], stderr: [UInt8], timedOut: Bool, signal: Int32? = nil, seconds: Double = 0) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.timedOut = timedOut
        self.signal = signal
        self.seconds = seconds
    }

    public var out: String { String(decoding: stdout, as: UTF8.self) }
    public var err: String { String(decoding: stderr, as: UTF8.self) }

    public var description: String { "exit \(status)\(timedOut ? " (killed after the time limit)" : "")\n--- stdout\n\(out)\n--- stderr\n\(err)" }
}

/// Runs the built `resource-batch` binary as a user would: in its own temporary working
/// directory, with a controlled environment, both output pipes drained concurrently (so a chatty
/// child never blocks on a full pipe), and a time limit after which the child is killed.
public final class CLIRunner {
    /// `<folder of the running test bundle>/resource-batch`: `swift test` builds the products and
    /// the test bundle into the same folder, and EndToEndTests depends on the executable.
    public static let binary: URL = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("resource-batch")
    }()

    /// The package's root folder (for `samples/`).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The working directory of every run; removed by ``cleanUp()``.
    public let directory: URL
    /// The child's whole environment (nothing is inherited).
    public var environment: [String: String]
    /// A run taking longer than this is killed and reported as `timedOut`. A safety net against
    /// hangs only: no test asserts anything about duration.
    public var timeLimit: TimeInterval = 120

    public init() throws {
        directory = try TempDir().url
        environment = [
            "PATH": "/usr/bin:/bin",
            "HOME": directory.path,
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "TZ": "UTC",
        ]
    }

    public func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    /// The path of `name` in the working directory.
    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Copies `samples/<name>` into the working directory.
    public func copySample(_ name: String) throws {
        let source = Self.packageRoot.appendingPathComponent("samples").appendingPathComponent(name)
        try FileManager.default.copyItem(at: source, to: directory.appendingPathComponent(name))
    }

    public func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }

    public func write(_ name: String, _ text: String) throws { try write(name, Array(text.utf8)) }

    public func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: directory.appendingPathComponent(name))) }

    public func readText(_ name: String) throws -> String { String(decoding: try read(name), as: UTF8.self) }

    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    /// Runs `resource-batch arguments…`, feeding `stdin`, or the working directory's file
    /// `stdinFile` (nothing: /dev/null). Never throws for a bad exit: the caller judges the result.
    @discardableResult
    public func run(_ arguments: [String], stdin: [UInt8]? = nil, stdinFile: String? = nil) throws -> CLIResult {
        let input = try stdinFile.map { try Data(contentsOf: directory.appendingPathComponent($0)) } ?? stdin.map { Data($0) }
        // ChildProcess, not Foundation.Process: see TestSupport for the descriptor leak it avoids.
        let started = Date()
        let result = try ChildProcess.run(Self.binary.path, arguments, environment: environment,
                                          directory: directory.path, input: input, timeout: timeLimit)
        return CLIResult(status: result.status, stdout: Array(result.stdout), stderr: Array(result.stderr),
                         timedOut: result.timedOut, signal: result.signal, seconds: Date().timeIntervalSince(started))
    }
}
