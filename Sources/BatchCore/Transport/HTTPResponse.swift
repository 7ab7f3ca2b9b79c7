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

    /// True for 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    static func lookup(_ name: String, in headers: [String: String]) -> String? {
        if let v = headers[name] { return v }
        let lower = name.lowercased()
        return headers.first { $0.key.lowercased() == lower }?.value
    }
}
