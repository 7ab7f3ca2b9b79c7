import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A run of the binary that the test does not wait for at once: to signal it (SIGINT, SIGKILL)
/// or to start a second run while it goes on. Always ends in ``wait(timeLimit:)``, which kills
/// the child when it outlives the limit (a hang), so no test leaves a process behind.
/// Built on TestSupport's `ChildProcess` (not Foundation.Process, whose descriptor leak under
/// parallel tests can hang a wait).
final class BackgroundRun {
    private let child: ChildProcess
    private var finished: CLIResult?

    var pid: Int32 { child.pid }
    var isRunning: Bool { !child.isFinished }

    init(binary: URL, arguments: [String], directory: URL, environment: [String: String]) throws {
        child = try ChildProcess(binary.path, arguments, environment: environment, directory: directory.path)
        child.closeInput()
    }

    deinit {
        if finished == nil {
            child.kill(SIGKILL)
            _ = child.wait(timeout: 10)
        }
    }

    func signal(_ sig: Int32) {
        if finished == nil { child.kill(sig) }
    }

    /// Waits for the child; kills it after `timeLimit` seconds (reported as `timedOut`).
    /// A child ended by a signal reports 128 + the signal number, as a shell would.
    @discardableResult
    func wait(timeLimit: TimeInterval = 120) -> CLIResult {
        if let finished { return finished }
        let r = child.wait(timeout: timeLimit)
        let result = CLIResult(status: r.status, stdout: Array(r.stdout), stderr: Array(r.stderr), timedOut: r.timedOut)
        finished = result
        return result
    }

    /// Polls `condition` every few milliseconds until it holds or the child ends or `timeLimit`
    /// passes; true when it held.
    func waitUntil(timeLimit: TimeInterval = 60, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeLimit)
        while Date() < deadline {
            if condition() { return true }
            if child.isFinished { return condition() }
            usleep(5_000)
        }
        return false
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
