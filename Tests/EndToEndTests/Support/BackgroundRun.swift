import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A run of the binary that the test does not wait for at once: to signal it (SIGINT, SIGKILL)
/// or to start a second run while it goes on. Always ends in ``wait(timeLimit:)``, which kills
/// the child when it outlives the limit (a hang), so no test leaves a process behind.
final class BackgroundRun {
    let process: Process
    private let out: PipeDrain
    private let err: PipeDrain
    private var finished: CLIResult?

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    init(binary: URL, arguments: [String], directory: URL, environment: [String: String]) throws {
        process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        out = PipeDrain(outPipe.fileHandleForReading)
        err = PipeDrain(errPipe.fileHandleForReading)
        try process.run()
        try? outPipe.fileHandleForWriting.close()
        try? errPipe.fileHandleForWriting.close()
        out.start()
        err.start()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    func signal(_ sig: Int32) {
        if process.isRunning { kill(process.processIdentifier, sig) }
    }

    /// Waits for the child; kills it after `timeLimit` seconds (reported as `timedOut`).
    /// A child killed by a signal reports 128 + the signal number, as a shell would.
    @discardableResult
    func wait(timeLimit: TimeInterval = 120) -> CLIResult {
        if let finished { return finished }
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
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        let result = CLIResult(status: status, stdout: out.wait(), stderr: err.wait(), timedOut: timedOut)
        finished = result
        return result
    }

    /// Polls `condition` every few milliseconds until it holds or the child ends or `timeLimit`
    /// passes; true when it held.
    func waitUntil(timeLimit: TimeInterval = 60, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeLimit)
        while Date() < deadline {
            if condition() { return true }
            if !process.isRunning { return condition() }
            usleep(5_000)
        }
        return false
    }
}

/// Reads a pipe to its end on a thread of its own.
final class PipeDrain: @unchecked Sendable {
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

extension CLIRunner {
    /// Starts `resource-batch arguments…` in the working directory without waiting for it.
    func start(_ arguments: [String]) throws -> BackgroundRun {
        try BackgroundRun(binary: Self.binary, arguments: arguments, directory: directory, environment: environment)
    }

    /// The environment variables that point the binary at an emulator's default credentials.
    func useCredentials(id: String = LoopbackEmulator.clientId, secret: String = LoopbackEmulator.clientSecret) {
        environment["ONSCHED_CLIENT_ID"] = id
        environment["ONSCHED_CLIENT_SECRET"] = secret
    }

    /// The report (or any CSV) in the working directory, parsed.
    func table(_ name: String) throws -> CSVTable { CSVTable(parsing: try readText(name)) }

    /// Every regular file under the working directory, recursively (relative paths).
    func allFiles() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var out: [String] = []
        while let p = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path(p), isDirectory: &isDir), !isDir.boolValue { out.append(p) }
        }
        return out.sorted()
    }

    /// The number of complete lines of a file (0 when it does not exist).
    func lineCount(_ name: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path(name)) else { return 0 }
        return data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}
