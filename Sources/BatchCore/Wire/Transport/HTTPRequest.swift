import Foundation

/// One HTTP request as a plain value, so transports can be faked and requests compared in tests.
public struct HTTPRequest: Sendable, Hashable {
    public var method: HTTPMethod
    public var url: URL
    /// Header names as written; each name appears once.
    public var headers: [String: String]
    public var body: Data?

    public init(method: HTTPMethod, url: URL, headers: [String: String] = [:], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        HTTPResponse.lookup(name, in: headers)
    }
}

extension HTTPRequest: CustomStringConvertible {
    /// Method and URL only: headers carry the bearer token and bodies carry secrets or personal data.
    public var description: String { "\(method.rawValue) \(url.absoluteString)" }
}
