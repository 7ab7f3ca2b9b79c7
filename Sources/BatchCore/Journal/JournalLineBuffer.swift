import JSONCodec

/// The bytes of one journal line as it is written: fixed JSON text (a key with its quotes, colon
/// and the comma before it) appended whole, strings escaped as `JSONWriter` escapes them.
///
/// Issue 17: `JSONWriter.key` appended a key in four steps (comma, quote, name, quote and colon),
/// ~170 instructions a key and some ten keys a row in the `done` line; here a key and its
/// punctuation are one append. The bytes are `JSONWriter`'s (`JournalLineCompatibilityTests`).
struct JournalLineBuffer {
    private(set) var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends `text` as it is: JSON punctuation and keys, never a value from outside.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends `value` as a JSON string (`JSONEscaping`'s escapes, as `JSONWriter.string`).
    mutating func string(_ value: String) {
        JSONEscaping.append(value, to: &bytes)
    }

    /// Appends `value` in decimal, as `JSONWriter.int`.
    mutating func int(_ value: Int) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // 20 digits hold UInt64.max: written backwards into a stack tuple, then appended.
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

    /// Appends `true` or `false`.
    mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }
}
