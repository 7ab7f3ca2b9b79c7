import Dispatch
import Foundation
import OnSchedEmulator
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `resource-batch-bench emulator [--seconds S] [--connections N]`: starts an emulator in process
/// on an ephemeral port, then N threads, each with one raw keep-alive socket, send small requests
/// (alternately `GET /setup/v1/resources?limit=1` and `GET /setup/v1/resources/{id}`) for S
/// seconds, and prints the requests per second served. Build with `-c release`.
enum EmulatorBench {
    static func run(_ args: [String]) async -> Int32 {
        var seconds = 5.0
        var connections = 16
        var importCount = 0
        var index = 0
        while index < args.count {
            let flag = args[index]
            let value = index + 1 < args.count ? args[index + 1] : nil
            switch flag {
            case "--seconds" where value.flatMap(Double.init).map { $0 > 0 } == true:
                seconds = Double(value!)!
            case "--connections" where value.flatMap(Int.init).map { $0 > 0 && $0 <= 1000 } == true:
                connections = Int(value!)!
            case "--import" where value.flatMap(Int.init).map { $0 > 0 } == true:
                importCount = Int(value!)!
            default:
                FileHandle.standardError.write(Data("usage: resource-batch-bench emulator [--seconds S] [--connections N] [--import N]\n".utf8))
                return 2
            }
            index += 2
        }

        if importCount > 0 {
            return persistentImport(importCount)
        }
        let server = EmulatorServer(configuration: EmulatorConfiguration(port: 0))
        defer { server.stop() }
        let port: UInt16
        do {
            port = UInt16(try server.start().port ?? 0)
        } catch {
            FileHandle.standardError.write(Data("emulator benchmark: \(error)\n".utf8))
            return 1
        }

        // Setup: a token and a few resources to read.
        guard let setup = EmulatorBenchSocket(port: port),
              let tokenAnswer = setup.exchange(
                  request("POST", "/connect/token", body: "client_id=emulator-bench&client_secret=x&grant_type=client_credentials",
                          contentType: "application/x-www-form-urlencoded")),
              let tokenObject = try? JSONSerialization.jsonObject(with: Data(tokenAnswer.body)) as? [String: Any],
              let token = tokenObject["access_token"] as? String else {
            FileHandle.standardError.write(Data("emulator benchmark: could not get a token\n".utf8))
            return 1
        }
        let seed = "{\"resources\":[" + (0..<50).map { "{\"name\":\"Bench \($0)\",\"email\":\"bench\($0)@example.com\"}" }.joined(separator: ",") + "]}"
        guard let seeded = setup.exchange(request("POST", "/emulator/seed", body: seed)),
              let views = try? JSONSerialization.jsonObject(with: Data(seeded.body)) as? [[String: Any]] else {
            FileHandle.standardError.write(Data("emulator benchmark: could not seed\n".utf8))
            return 1
        }
        let ids = views.compactMap { $0["id"] as? String }
        let auth = "Authorization: Bearer \(token)\r\n"
        let listRequest = Array("GET /setup/v1/resources?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\(auth)\r\n".utf8)
        let getRequests = ids.map { Array("GET /setup/v1/resources/\($0) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(auth)\r\n".utf8) }

        FileHandle.standardError.write(Data("emulator benchmark: \(connections) connections for \(seconds) s on port \(port)\n".utf8))
        let totals = Mutex((ok: 0, failed: 0))
        let group = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(seconds * 1e9)
        for worker in 0..<connections {
            group.enter()
            let thread = Thread {
                var ok = 0
                var failed = 0
                if let socket = EmulatorBenchSocket(port: port) {
                    var i = worker
                    while DispatchTime.now().uptimeNanoseconds < deadline {
                        let bytes = i % 2 == 0 ? listRequest : getRequests[i % getRequests.count]
                        i += 1
                        if let answer = socket.exchange(bytes), answer.status == 200 {
                            ok += 1
                        } else {
                            failed += 1
                            break
                        }
                    }
                } else {
                    failed += 1
                }
                totals.withLock { $0.ok += ok; $0.failed += failed }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let (ok, failed) = totals.withLock { ($0.ok, $0.failed) }
        let rate = Double(ok) / elapsed
        print(String(format: "emulator: %d requests in %.2f s over %d connections = %.0f requests/s (%d failed)",
                     ok, elapsed, connections, rate, failed))
        return failed == 0 ? 0 : 1
    }

    /// `--import N`: bulk-creates N resources, 100 per call, on one connection, against an
    /// emulator persisting to a temporary directory (the file is rewritten after every call), and
    /// prints resources per second: what `resource-batch import --emulator` can expect.
    private static func persistentImport(_ count: Int) -> Int32 {
        let directory = NSTemporaryDirectory() + "emulator-bench-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = EmulatorServer(configuration: EmulatorConfiguration(port: 0, dataDirectory: directory))
        defer { server.stop() }
        guard let port = try? server.start().port, let socket = EmulatorBenchSocket(port: UInt16(port)),
              let tokenAnswer = socket.exchange(
                  request("POST", "/connect/token", body: "client_id=emulator-bench&client_secret=x&grant_type=client_credentials",
                          contentType: "application/x-www-form-urlencoded")),
              let tokenObject = try? JSONSerialization.jsonObject(with: Data(tokenAnswer.body)) as? [String: Any],
              let token = tokenObject["access_token"] as? String else {
            FileHandle.standardError.write(Data("emulator benchmark: could not start a persistent emulator\n".utf8))
            return 1
        }
        let start = DispatchTime.now().uptimeNanoseconds
        var done = 0
        while done < count {
            let size = min(100, count - done)
            let items = (done..<(done + size)).map {
                "{\"name\":\"Person \($0)\",\"email\":\"person\($0)@example.com\",\"address\":{\"city\":\"Oslo\"},\"options\":{\"sortKey\":\($0)}}"
            }
            let body = "{\"resources\":[\(items.joined(separator: ","))]}"
            var bytes = Array("POST /setup/v1/resources/bulk HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n".utf8)
            bytes += Array("Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
            guard let answer = socket.exchange(bytes), answer.status == 200 else {
                FileHandle.standardError.write(Data("emulator benchmark: bulk create failed after \(done) resources\n".utf8))
                return 1
            }
            done += size
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let size = (try? FileManager.default.attributesOfItem(atPath: directory + "/emulator.json")[.size] as? Int) ?? 0
        print(String(format: "emulator import: %d resources in %.2f s = %.0f resources/s (data file %.1f MB, rewritten %d times)",
                     count, elapsed, Double(count) / elapsed, Double(size) / 1e6, (count + 99) / 100))
        return 0
    }

    private static func request(_ method: String, _ path: String, body: String, contentType: String = "application/json") -> [UInt8] {
        Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
    }
}
