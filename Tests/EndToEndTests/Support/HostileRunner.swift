import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `resource-batch` binary the way a user (or a cron job) would, in a private
/// temporary directory, with standard output and error captured concurrently (so a chatty child
/// can never block on a full pipe) and a hard deadline after which the child is killed.
struct HostileRunner {
    /// How one run ended.
    struct Outcome: CustomStringConvertible {
        /// The exit status, or 128 + signal when the process was killed by a signal.
        var exitCode: Int32
        /// The signal that ended the process (a crash: SIGILL, SIGSEGV, SIGABRT, …), if any.
        var signal: Int32?
        var stdout: String
        var stderr: String
        /// The deadline passed and the process was killed.
        var timedOut: Bool
        var seconds: Double

        var description: String {
            let how = timedOut ? "timed out" : signal.map { "killed by signal \($0)" } ?? "exit \(exitCode)"
            return "\(how) after \(String(format: "%.1f", seconds)) s\n--- stderr (first 2000 bytes):\n"
                + String(stderr.prefix(2000)) + "\n--- stdout (first 500 bytes):\n" + String(stdout.prefix(500))
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The temporary working directory of this runner; removed by ``cleanUp()``.
    let directory: URL

    /// The `resource-batch` binary next to the test bundle (`swift build` puts both in the same
    /// directory, and the test target depends on the executable so it is always built).
    static var binary: URL {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent("resource-batch")
    }

    init() throws {
        let base = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
        directory = base.appendingPathComponent("hostile-\(getpid())-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The path of `name` inside the working directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Writes `bytes` to `name` in the working directory and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = path(name)
        guard FileManager.default.createFile(atPath: p, contents: Data(bytes)) else {
            throw Failure(description: "cannot write \(p)")
        }
        return p
    }

    /// Runs the binary with `arguments` in the working directory; kills it (SIGKILL) after
    /// `timeout` seconds; standard input is the file `stdinFile` in the working directory, or empty.
    /// Never throws for a bad exit: the caller judges the outcome.
    func run(_ arguments: [String], timeout: Double = 60, stdinFile: String? = nil,
             environment extra: [String: String] = [:]) throws -> Outcome {
        let binary = Self.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw Failure(description: "no built binary at \(binary.path); run `swift build` first")
        }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.removeValue(forKey: "ONSCHED_CLIENT_ID")
        env.removeValue(forKey: "ONSCHED_CLIENT_SECRET")
        for (k, v) in extra { env[k] = v }
        var input: Data?
        if let stdinFile {
            guard let data = FileManager.default.contents(atPath: path(stdinFile)) else {
                throw Failure(description: "cannot open \(stdinFile) for standard input")
            }
            input = data
        }
        // ChildProcess, not Foundation.Process: see TestSupport for the descriptor leak it avoids.
        let started = Date()
        let result = try ChildProcess.run(binary.path, arguments, environment: env, directory: directory.path,
                                          input: input, timeout: timeout)
        let seconds = Date().timeIntervalSince(started)
        return Outcome(exitCode: result.status, signal: result.signal, stdout: result.stdoutText,
                       stderr: result.stderrText, timedOut: result.timedOut, seconds: seconds)
    }
}
