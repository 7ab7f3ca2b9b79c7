import BatchCore
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT and SIGTERM into a graceful stop: no new work is handed out, requests in flight
/// finish, files are flushed, and the run exits 130. A second signal exits at once.
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    init(stop: StopSignal, quiet: Bool) {
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if stop.isStopped {
                    _exit(130)
                }
                stop.stop(.interrupted)
                // The newline ends a progress line on a terminal; a log has none to end.
                if !quiet { Console.line((Console.isTerminal ? "\n" : "") + "resource-batch: stopping: finishing the requests in flight (signal again to quit at once)") }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func cancel() {
        for s in sources { s.cancel() }
    }
}
