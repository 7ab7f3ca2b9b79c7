import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Serves one accepted connection with blocking I/O: reads requests (pipelined ones included),
/// answers them in order through ``EmulatorAPI``, and returns when the connection should close.
/// The caller owns the file descriptor and closes it.
struct HTTPConnection: Sendable {
    let fd: Int32
    let api: EmulatorAPI
    let configuration: EmulatorConfiguration

    func serve() {
        Self.setTimeout(fd, SO_RCVTIMEO, configuration.idleTimeout)
        Self.setTimeout(fd, SO_SNDTIMEO, max(configuration.idleTimeout, 5))
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))

        var parser = HTTPRequestParser(maxHeaderBytes: configuration.maxHeaderBytes, maxBodyBytes: configuration.maxBodyBytes)
        var sentContinue = false
        let chunkSize = 64 * 1024
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { chunk.deallocate() }

        while true {
            drain: while true {
                switch parser.next() {
                case .request(let request):
                    sentContinue = false
                    switch api.handle(request) {
                    case .reset:
                        return
                    case .respond(let response):
                        let close = !request.keepAlive
                        guard sendAll(response.serialized(close: close, keepAliveHeader: request.minorVersion == 0,
                                                                    omitBody: request.method == "HEAD")) else { return }
                        if close {
                            lingeringClose()
                            return
                        }
                    }
                case .needMore(let expectsContinue):
                    if expectsContinue && !sentContinue {
                        sentContinue = true
                        guard sendAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
                    }
                    break drain
                case .failure(let status, let message):
                    _ = sendAll(HTTPResponse.error(status, message).serialized(close: true))
                    lingeringClose()
                    return
                }
            }
            let n = recv(fd, chunk.baseAddress, chunkSize, 0)
            if n > 0 {
                parser.append(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
            } else if n == 0 {
                return
            } else if errno == EINTR {
                continue
            } else {
                if (errno == EAGAIN || errno == EWOULDBLOCK) && parser.bufferedCount > 0 {
                    _ = sendAll(HTTPResponse.error(408, "request not completed in time").serialized(close: true))
                    lingeringClose()
                }
                return
            }
        }
    }

    /// Sends every byte (or fails on error / timeout); never raises SIGPIPE.
    private func sendAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }

    /// Half-closes and reads what the peer still sends (briefly), so that closing does not reset
    /// the connection and destroy the answer before the peer has read it.
    private func lingeringClose() {
        _ = shutdown(fd, Int32(SHUT_WR))
        Self.setTimeout(fd, SO_RCVTIMEO, 0.2)
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        var total = 0
        while total < 4 * 1024 * 1024 {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            total += n
        }
    }

    static func setTimeout(_ fd: Int32, _ option: Int32, _ seconds: TimeInterval) {
        let clamped = seconds.isNaN ? 30 : min(max(0.001, seconds), 1_000_000)
        var tv = timeval(tv_sec: Int(clamped), tv_usec: Int((clamped - Double(Int(clamped))) * 1_000_000))
        _ = setsockopt(fd, SOL_SOCKET, option, &tv, socklen_t(MemoryLayout<timeval>.size))
    }
}
