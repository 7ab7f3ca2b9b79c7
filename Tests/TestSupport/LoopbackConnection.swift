#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP connection to 127.0.0.1 with send and receive time limits, so a test that talks
/// raw HTTP to a local server never hangs on it.
public enum LoopbackConnection {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The connected socket's descriptor; the caller closes it.
    public static func open(port: UInt16, timeout: Double) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed: \(String(cString: strerror(errno)))") }
        let whole = Int(timeout)
        var tv = timeval(tv_sec: whole, tv_usec: Int((timeout - Double(whole)) * 1_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port) failed: \(message)")
        }
        return fd
    }
}
