import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What one child process cost: wall time from spawn to exit, its CPU time and peak RSS
/// (`wait4`'s `rusage`, so only the child is counted).
struct ChildResult {
    var status: Int32
    var wall: Double
    var user: Double
    var sys: Double
    var maxRSSKB: Int
    var cpu: Double { user + sys }
}

/// Child processes for the benchmarks: measured runs and long-lived servers.
enum BenchProcess {
    /// The `resource-batch` binary next to this one (both are built by `swift build -c release`).
    static var productBinary: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("resource-batch").path
    }

    static var temporaryDirectory: String {
        ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Runs `argv` to its end with stdout/stderr to files (or /dev/null) and measures it.
    static func run(_ argv: [String], environment extra: [String: String] = [:], stdout: String? = nil,
                    stderr: String? = nil) throws -> ChildResult {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in extra { env[k] = v }
        let envStrings = env.map { "\($0.key)=\($0.value)" }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = envStrings.map { strdup($0) } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: pid_t = 0
        let start = now()
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard rc == 0 else { throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let wall = now() - start
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ChildResult(
            status: exit, wall: wall,
            user: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            sys: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            maxRSSKB: Int(usage.ru_maxrss))
    }

    /// The best of `runs` by wall time (the run least disturbed by other work on the machine).
    static func best(_ results: [ChildResult]) -> ChildResult {
        results.min { $0.wall < $1.wall }!
    }
}

/// A `resource-batch emulator` child process, stopped (SIGTERM) by ``stop()``.
final class EmulatorChild {
    let process = Process()
    let url: String

    init(binary: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["emulator", "--port", "0"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The emulator prints the URL it serves on its first line of standard output.
        var line = Data()
        let deadline = BenchProcess.now() + 30
        while !line.contains(0x0A) && BenchProcess.now() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let text = String(data: line, encoding: .utf8)?.split(separator: "\n").first, text.hasPrefix("http") else {
            process.terminate()
            throw BenchError("the emulator did not print its URL")
        }
        url = String(text)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// One line of the `all` table.
struct BenchRow {
    var suite: String
    var measure: String
    var result: String
    var reference: String
    var verdict: String
}

func fmt(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
