import Testing
@testable import JSONCodec

/// `JSONEscaping.append` against a byte-at-a-time escaper written from its contract: the
/// sixteen-byte search (SSE2 on x86_64), the word search and the byte tail must find every byte
/// to escape wherever it is, and copy the runs between them whole.
@Suite struct JSONEscapingTests {
    /// The contract: `"` and `\` escaped with a backslash, `\n` `\r` `\t` by name, other bytes
    /// below 0x20 as `\u00xx`, everything else as it is.
    private func reference(_ value: String) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for b in value.utf8 {
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20: out += Array("\\u00".utf8) + Array(String(b, radix: 16).leftPadded.utf8)
            default: out.append(b)
            }
        }
        out.append(0x22)
        return out
    }

    @Test func everyByteToEscapeIsFoundAtEveryOffset() {
        let specials: [String] = ["\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1F}", "é", "/", "\u{7F}", "😀"]
        for length in 0..<50 {
            for at in 0...length {
                for special in specials {
                    let value = String(repeating: "a", count: at) + special + String(repeating: "b", count: length - at)
                    var out: [UInt8] = []
                    JSONEscaping.append(value, to: &out)
                    #expect(out == reference(value), "\(value.debugDescription)")
                }
            }
        }
        // Two in one vector, and none at all.
        for value in ["\"\"\\\\\n\r\t\u{2}" + String(repeating: "x", count: 20) + "\"", String(repeating: "long text ", count: 10)] {
            var out: [UInt8] = []
            JSONEscaping.append(value, to: &out)
            #expect(out == reference(value))
        }
    }

    /// `JSONWriter` escapes in its own memory: the same bytes as `JSONEscaping`, commas
    /// between values, and nothing lost when it grows (a writer of 64 bytes filled to 100 KB).
    @Test func theWriterEscapesAsJSONEscapingAndGrows() {
        let specials: [String] = ["\"", "\\", "\n", "\u{1}", "\u{1F}", "é", "😀", ""]
        var w = JSONWriter(capacity: 0)
        var expected: [UInt8] = [UInt8(ascii: "[")]
        w.beginArray()
        for length in 0..<40 {
            for at in 0...length {
                for special in specials {
                    let value = String(repeating: "a", count: at) + special + String(repeating: "b", count: length - at)
                    if expected.count > 1 { expected.append(UInt8(ascii: ",")) }
                    expected += reference(value)
                    w.string(value)
                }
            }
            w.int(-length * 1_000_003)
            expected += Array(",\(-length * 1_000_003)".utf8)
            w.beginObject()
            w.key("k")
            w.bool(length % 2 == 0)
            w.key("n")
            w.null()
            w.key("d")
            try? w.double(Double(length) + 0.5)
            w.endObject()
            expected += Array(",{\"k\":\(length % 2 == 0),\"n\":null,\"d\":\(Double(length) + 0.5)}".utf8)
        }
        w.int(Int.min)
        w.int(0)
        w.endArray()
        expected += Array(",\(Int.min),0]".utf8)
        #expect(w.bytes == expected)
        #expect(expected.count > 100_000)
        w.reset()
        w.string("again")
        #expect(w.bytes == Array("\"again\"".utf8))
        // Handed over: the same bytes, in memory the caller now owns and frees.
        let buffer = w.takeBuffer()
        #expect(Array(buffer) == Array("\"again\"".utf8))
        buffer.baseAddress!.deallocate()
    }
}

private extension String {
    /// Two hex digits.
    var leftPadded: String { count == 1 ? "0" + self : self }
}
