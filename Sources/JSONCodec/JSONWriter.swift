/// Writes JSON by appending bytes to one buffer: the request bodies of the bulk calls, without
/// an encoder's boxes, dictionaries and key sorting per row (issue 17).
///
/// The writer places commas itself: after a value, the next key or array element gets one.
/// Keys are static strings the caller knows to need no escape. Strings are escaped by
/// ``JSONEscaping`` (`\"`, `\\`, `\n`, `\r`, `\t`, other controls as `\u00XX`; `/` as it is).
public struct JSONWriter: Sendable {
    /// The document so far.
    public private(set) var bytes: [UInt8]
    /// Whether a value was just written at this level (the next member needs a comma).
    private var needsComma = false

    /// An empty writer whose buffer has room for `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer, keeping its storage, to write the next document.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
    }

    /// Why a value could not be written.
    public struct Failure: Error, Sendable, Equatable {
        /// What was wrong.
        public let reason: String
    }

    // MARK: - Structure

    /// `{`, as a value.
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// `}`.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// `[`, as a value.
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// `]`.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// `"name":` (with a comma before it after another member); the value comes next.
    /// `name` is written as it is: it must need no escape (the callers' field names do not).
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    // MARK: - Values

    /// A string value, escaped.
    public mutating func string(_ value: String) {
        separate()
        appendEscaped(value)
        needsComma = true
    }

    /// An integer value.
    public mutating func int(_ value: Int) {
        separate()
        appendDecimal(value)
        needsComma = true
    }

    /// A number value as `JSONEncoder` writes a `Double`: its shortest round-trip text, a whole
    /// number without `.0`.
    /// - Throws: ``Failure`` for infinity or NaN, which JSON cannot carry (`JSONEncoder` refuses them too).
    public mutating func double(_ value: Double) throws {
        guard value.isFinite else { throw Failure(reason: "\(value) is not a JSON number") }
        separate()
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    /// `true` or `false`.
    public mutating func bool(_ value: Bool) {
        separate()
        if value { bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65]) } else { bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65]) }
        needsComma = true
    }

    /// `null`.
    public mutating func null() {
        separate()
        bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        needsComma = true
    }

    // MARK: - Internals

    @inline(__always)
    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendDecimal(_ value: Int) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // 20 digits hold UInt64.max; written backwards into a small stack tuple, then copied.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[23 - n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - n)...]))
        }
    }

    private mutating func appendEscaped(_ s: String) {
        JSONEscaping.append(s, to: &bytes)
    }
}
