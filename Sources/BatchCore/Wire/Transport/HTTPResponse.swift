import Foundation

/// One HTTP response as a plain value: status, headers and the whole body.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        Self.lookup(name, in: headers)
    }

    /// The most bytes of an error answer's body a transport keeps (the rest is not read): an error
    /// body is only ever turned into one line of message, and a 50 MB error page must cost
    /// neither minutes of CPU nor hundreds of megabytes.
    public static let maxErrorBodyBytes = 64 * 1024
    /// The most bytes of a successful answer's body a transport accepts; a bigger answer is a
    /// transport failure (a page of 100 resources is a few hundred kilobytes).
    public static let maxBodyBytes = 32 * 1024 * 1024

    /// True for 3xx: an answer pointing elsewhere, never followed (credentials would go along).
    public var isRedirect: Bool { (300..<400).contains(status) }

    /// True for 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    static func lookup(_ name: String, in headers: [String: String]) -> String? {
        if let v = headers[name] { return v }
        let lower = name.lowercased()
        return headers.first { $0.key.lowercased() == lower }?.value
    }
}
