import Foundation
import Synchronization
import OnSchedEmulator

/// `resource-batch emulator`: serve a local OnSched-compatible API until interrupted.
enum EmulatorCommand {
    static let spec = CommandSpec(
        name: "emulator", summary: "Serve a local OnSched-compatible API on loopback.",
        usage: "emulator [options]",
        options: [
            .value("host", "ADDRESS", "address to listen on (default 127.0.0.1)"),
            .value("port", "N", "port (default 8080; 0 picks a free one)"),
            .value("data", "DIR", "keep the data in DIR/emulator.json, written atomically after every change (default: memory)"),
            .value("rate-limit", "R", "answer 429 with Retry-After beyond R requests per second"),
            .value("faults", "SPEC", "inject failures, e.g. error=0.05,throttle=0.02,reset=0.01,commit-then-fail=0.02,latency=20ms"),
            .value("seed", "N", "seed of the fault injection (default 1)"),
            .value("client-id", "ID", "accept only this client id (default: any sbox…/live… id)"),
            .value("client-secret", "SECRET", "the secret that goes with --client-id"),
        ],
        discussion: "Point the tool at it with --api-url http://127.0.0.1:8080 and any ONSCHED_CLIENT_ID starting with sbox.")

    static func run(_ args: ParsedArguments) async throws -> Int32 {
        var configuration = EmulatorConfiguration()
        configuration.host = args.value("host") ?? "127.0.0.1"
        configuration.port = UInt16(try args.integer("port", in: 0...65535) ?? 8080)
        configuration.dataDirectory = args.value("data")
        configuration.rateLimit = try args.number("rate-limit")
        if let faults = args.value("faults") {
            do { configuration.faults = try FaultSpec(parsing: faults) } catch {
                throw UsageError("--faults: \(error)", command: "emulator")
            }
        }
        if let seed = args.value("seed") {
            guard let n = UInt64(seed) else { throw UsageError("--seed must be a whole number", command: "emulator") }
            configuration.seed = n
        }
        configuration.clientId = args.value("client-id")
        configuration.clientSecret = args.value("client-secret")
        if (configuration.clientId == nil) != (configuration.clientSecret == nil) {
            throw UsageError("--client-id and --client-secret go together", command: "emulator")
        }
        if let dir = configuration.dataDirectory {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        let server = EmulatorServer(configuration: configuration)
        let url = try server.start()
        FileHandle.standardOutput.write(Data((url.absoluteString + "\n").utf8))
        Console.line("resource-batch emulator: serving the OnSched API at \(url.absoluteString); Ctrl-C stops it")
        let sources = [SIGINT, SIGTERM].map { sig -> any DispatchSourceSignal in
            signal(sig, SIG_IGN)
            return DispatchSource.makeSignalSource(signal: sig, queue: .global())
        }
        let resumed = Mutex(false)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            for source in sources {
                source.setEventHandler {
                    guard resumed.withLock({ r in defer { r = true }; return !r }) else { return }
                    server.stop()
                    done.resume()
                }
                source.resume()
            }
        }
        for source in sources { source.cancel() }
        return 0
    }
}
