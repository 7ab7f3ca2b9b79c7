import Foundation
import TestSupport
import Testing
@testable import BatchCore
@testable import BatchInput
#if canImport(Glibc)
import Glibc
#endif

nonisolated(unsafe) var signalsSeen = 0

@Suite struct LineReaderTests {
    @Test func linesWithCRLFAndNoFinalNewline() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let fd = open(try dir.write("x", "a\r\n\nb"), O_RDONLY)
        let reader = LineReader(fileDescriptor: fd, closeOnDeinit: true, blockSize: 2)
        var lines: [(Int, String)] = []
        while let l = try reader.next() { lines.append((l.number, String(decoding: l.bytes, as: UTF8.self))) }
        #expect(lines.map(\.0) == [1, 2, 3])
        #expect(lines.map(\.1) == ["a", "", "b"])
    }

    @Test func longLineIsTruncatedAndFlagged() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let fd = open(try dir.write("x", String(repeating: "x", count: 100) + "\nok\n"), O_RDONLY)
        let reader = LineReader(fileDescriptor: fd, closeOnDeinit: true, blockSize: 16, maxLineBytes: 10)
        let long = try #require(try reader.next())
        #expect(long.truncated && long.bytes.count == 10)
        let ok = try #require(try reader.next())
        #expect(!ok.truncated && ok.bytes == Array("ok".utf8) && ok.number == 2)
    }

    /// A read(2) interrupted by a signal (EINTR) is not the end of the input: stdin from a pipe
    /// must not lose its rows because a signal arrived while waiting for data.
    @Test func interruptedReadIsRetriedNotTakenAsEndOfInput() throws {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in signalsSeen += 1 }
        action.sa_flags = 0 // no SA_RESTART: a blocked read returns EINTR
        sigemptyset(&action.sa_mask)
        var previous = sigaction()
        sigaction(SIGUSR2, &action, &previous)
        defer { sigaction(SIGUSR2, &previous, nil) }

        // If the reader wrongly stops and closes its end, the write below must fail, not kill the
        // test process with SIGPIPE. (Left ignored: harmless for the other tests, and restoring it
        // could race with them.)
        signal(SIGPIPE, SIG_IGN)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        final class Box: @unchecked Sendable {
            var lines: [String] = []
            var thread: pthread_t?
            let started = DispatchSemaphore(value: 0)
            let done = DispatchSemaphore(value: 0)
        }
        let box = Box()
        let readerThread = Thread {
            box.thread = pthread_self()
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGUSR2)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            box.started.signal()
            let reader = LineReader(fileDescriptor: readEnd, closeOnDeinit: true)
            while let line = try? reader.next() { box.lines.append(String(decoding: line.bytes, as: UTF8.self)) }
            box.done.signal()
        }
        readerThread.start()
        box.started.wait()
        // Interrupt the reader while it waits for data, then send the data.
        for _ in 0..<5 {
            usleep(20_000)
            pthread_kill(box.thread!, SIGUSR2)
        }
        _ = Array("first\nsecond\n".utf8).withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
        close(writeEnd)
        box.done.wait()
        #expect(box.lines == ["first", "second"])
        #expect(signalsSeen > 0, "the test did interrupt the read")
    }
}
