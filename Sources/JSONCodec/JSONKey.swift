/// An object key as a ``JSONScanner`` found it: the bytes between its quotes when it has no
/// escape (the usual case, no copy), else its unescaped UTF-8 bytes.
///
/// Valid only inside the scan that produced it: the raw form points into the scanned bytes.
public struct JSONKey {
    /// The raw key bytes; `nil` for a key that had escapes (then `unescaped` holds it).
    let raw: UnsafeBufferPointer<UInt8>?
    /// The unescaped bytes of a key that had escapes.
    let unescaped: [UInt8]

    init(raw: UnsafeBufferPointer<UInt8>) {
        self.raw = raw
        self.unescaped = []
    }

    init(unescaped: [UInt8]) {
        self.raw = nil
        self.unescaped = unescaped
    }

    /// Calls `body` with the key's UTF-8 bytes (escapes resolved).
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let raw { return try body(raw) }
        return try unescaped.withUnsafeBufferPointer(body)
    }

    /// The key as a string.
    public var string: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    /// Whether the key is exactly `name` (compared byte for byte).
    public func equals(_ name: StaticString) -> Bool {
        withBytes { key in
            name.withUTF8Buffer { want in
                key.count == want.count && key.elementsEqual(want)
            }
        }
    }
}
