import Foundation

/// Why an ``EmulatorServer`` could not start (socket, bind, bad host, unreadable data file).
public struct EmulatorError: Error, CustomStringConvertible, LocalizedError {
    /// A sentence naming what failed, with the system's reason where there is one.
    public let message: String
    init(_ message: String) { self.message = message }
    /// An error for a failed system call, with `errno`'s text.
    static func system(_ what: String, errno code: Int32) -> EmulatorError {
        EmulatorError("\(what): \(String(cString: strerror(code)))")
    }
    /// The message.
    public var description: String { message }
    /// The message, for `localizedDescription`.
    public var errorDescription: String? { message }
}
