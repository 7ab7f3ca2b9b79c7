import Foundation

/// A fault spec that could not be read; ``message`` says which part and why.
public struct FaultSpecError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// What is wrong, in words fit for a command-line error.
    public let message: String
    init(_ message: String) { self.message = message }
    /// The message as a command line shows it: `invalid --faults: …`.
    public var description: String { "invalid --faults: \(message)" }
    /// Same as ``description``, for `localizedDescription`.
    public var errorDescription: String? { description }
}
