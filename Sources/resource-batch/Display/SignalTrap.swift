import BatchCore
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT, SIGTERM and SIGHUP into a graceful stop: no new work is handed out, requests in
/// flight finish, no request waits out a pause, files are flushed, and the run exits 130. A second
/// signal exits at once. SIGHUP too because a cron job's or ssh session's hang-up would otherwise
/// kill the run without flushing its report.
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    init(stop: StopSignal, quiet: Bool) {
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM, SIGHUP] {
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
