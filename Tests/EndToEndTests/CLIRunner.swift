import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What one run of the binary did.
struct CLIResult: CustomStringConvertible {
    var status: Int32
    var stdout: [UInt8]
    var stderr: [UInt8]
    /// The run was killed because it outlived its time limit (a hang, not a slow machine).
    var timedOut: Bool

    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }

    var description: String { "exit \(status)\(timedOut ? " (killed after the time limit)" : "")\n--- stdout\n\(out)\n--- stderr\n\(err)" }
}

/// Runs the built `resource-batch` binary as a user would: in its own temporary working
/// directory, with a controlled environment, both output pipes drained concurrently (so a chatty
/// child never blocks on a full pipe), and a time limit after which the child is killed.
final class CLIRunner {
    /// `<folder of the running test bundle>/resource-batch`: `swift test` builds the products and
    /// the test bundle into the same folder, and EndToEndTests depends on the executable.
    static let binary: URL = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("resource-batch")
    }()

    /// The package's root folder (for `samples/`).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The working directory of every run; removed by ``cleanUp()``.
    let directory: URL
    /// The child's whole environment (nothing is inherited).
    var environment: [String: String]
    /// A run taking longer than this is killed and reported as `timedOut`. A safety net against
    /// hangs only: no test asserts anything about duration.
    var timeLimit: TimeInterval = 120

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("resource-batch-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        environment = [
            "PATH": "/usr/bin:/bin",
            "HOME": directory.path,
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "TZ": "UTC",
        ]
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    /// The path of `name` in the working directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Copies `samples/<name>` into the working directory.
    func copySample(_ name: String) throws {
        let source = Self.packageRoot.appendingPathComponent("samples").appendingPathComponent(name)
        try FileManager.default.copyItem(at: source, to: directory.appendingPathComponent(name))
    }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }

    func write(_ name: String, _ text: String) throws { try write(name, Array(text.utf8)) }

    func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: directory.appendingPathComponent(name))) }

    func readText(_ name: String) throws -> String { String(decoding: try read(name), as: UTF8.self) }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    /// Runs `resource-batch arguments…`, feeding `stdin` (nothing: /dev/null).
    @discardableResult
    func run(_ arguments: [String], stdin: [UInt8]? = nil) throws -> CLIResult {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        let inPipe = stdin.map { _ in Pipe() }
        process.standardInput = inPipe ?? FileHandle.nullDevice

        let out = Drain(outPipe.fileHandleForReading)
        let err = Drain(errPipe.fileHandleForReading)
        try process.run()
        // Our copies of the write ends must go, or the drains never see end-of-file.
        try? outPipe.fileHandleForWriting.close()
        try? errPipe.fileHandleForWriting.close()
        out.start()
        err.start()
        if let inPipe, let stdin {
            let writer = Thread {
                inPipe.fileHandleForWriting.write(Data(stdin))
                try? inPipe.fileHandleForWriting.close()
            }
            writer.start()
        }

        let deadline = Date().addingTimeInterval(timeLimit)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus, stdout: out.wait(), stderr: err.wait(), timedOut: timedOut)
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class Drain: @unchecked Sendable {
    private let handle: FileHandle
    private let done = DispatchSemaphore(value: 0)
    private var bytes: [UInt8] = []

    init(_ handle: FileHandle) { self.handle = handle }

    func start() {
        let thread = Thread { [self] in
            bytes = Array(handle.readDataToEndOfFile())
            done.signal()
        }
        thread.start()
    }

    func wait() -> [UInt8] {
        done.wait()
        return bytes
    }
}
