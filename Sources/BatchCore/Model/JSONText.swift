import JSONCodec

/// Writes JSON strings byte by byte: faster than an encoder for the report's and the journal's
/// flat objects. The escaping is `JSONEscaping`'s (the bytes are the same as before it moved
/// there: `\"`, `\\`, `\n`, `\r`, `\t`, other controls as `\u00XX`, `/` as it is), now found
/// eight bytes at a time.
package enum JSONText {
    package static func appendString(_ s: String, to out: inout [UInt8]) {
        JSONEscaping.append(s, to: &out)
    }
}
