/// A failure of ``RawHTTPClient`` (connect, send, timeout, malformed answer).
struct RawHTTPError: Error, CustomStringConvertible {
    var description: String
}
