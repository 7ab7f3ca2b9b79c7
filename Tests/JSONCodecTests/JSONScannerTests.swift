import Foundation
import Testing
@testable import JSONCodec

/// The scanner on hand-picked documents: what it reads, what it refuses.
@Suite struct JSONScannerTests {
    /// The table's length filter refuses only keys no name is as long as: every name is found
    /// (a name of 63 bytes or more too), a key of another length or other bytes is not.
    @Test func keyTableFindsItsNamesAndOnlyThem() {
        let long = String(repeating: "k", count: 70)
        let names = ["id", "name", "email", "options", long, String(repeating: "m", count: 63), "é"]
        let table = JSONKeyTable(names)
        for (i, name) in names.enumerated() {
            #expect(Array(name.utf8).withUnsafeBufferPointer { table.index(of: $0) } == i, "\(name)")
        }
        for other in ["", "i", "ids", "nam", "Name", "mail", "gender", String(repeating: "k", count: 69),
                      String(repeating: "k", count: 71), String(repeating: "x", count: 70), String(repeating: "m", count: 64), "e"] {
            #expect(Array(other.utf8).withUnsafeBufferPointer { table.index(of: $0) } == nil, "\(other)")
        }
    }

    /// Names looked up by their length alone, by hashing when several share a length, given
    /// twice, or equal as Strings but not as bytes (é and e + U+0301): every name is found at
    /// its first index, every other key of every length is not.
    @Test func keyTableByLengthAndByHashAgree() {
        let names = ["a", "bb", "cc", "é", "e\u{301}", "abcd", "abcde", "abcdefg", "abcdefgh", "abcdefghi",
                     "abcdefghijklmnop", "abcdefghijklmnopq", "googleCalendarAuthUrl", "outlookCalendarAuthUrl", "bb", "a"]
        let table = JSONKeyTable(names)
        for (i, name) in names.enumerated() {
            let first = names.firstIndex { Array($0.utf8) == Array(name.utf8) }!
            #expect(Array(name.utf8).withUnsafeBufferPointer { table.index(of: $0) } == first, "\(name)")
            // Every one-byte change of a name, at every offset, is no name (unless it is one).
            var bytes = Array(name.utf8)
            for k in bytes.indices {
                let saved = bytes[k]
                bytes[k] ^= 0x20
                let other = names.firstIndex { Array($0.utf8) == bytes }
                #expect(bytes.withUnsafeBufferPointer { table.index(of: $0) } == other, "\(bytes)")
                bytes[k] = saved
            }
        }
    }

    private func tree(_ text: String) throws -> JSONTree { try JSONTree.scan(Array(text.utf8)) }

    private func refuses(_ bytes: [UInt8]) -> Bool {
        (try? JSONTree.scan(bytes)) == nil
    }

    @Test func readsFieldsInAnyOrderAmongUnknownAndNestedOnes() throws {
        let doc = #" { "z": {"deep": [1, {"x": [[], {}]}, "s"]}, "id" : "42", "n": null, "e": "a\"b\\c\/d", "ok": true } "#
        let t = try tree(doc)
        guard case .object(let o) = t else { Issue.record("not an object"); return }
        #expect(o["id"] == .string("42"))
        #expect(o["n"] == .null)
        #expect(o["e"] == .string("a\"b\\c/d"))
        #expect(o["ok"] == .bool(true))
        #expect(o["z"] == .object(["deep": .array([.number(1), .object(["x": .array([.array([]), .object([:])])]), .string("s")])]))
    }

    @Test func resolvesEscapesAndSurrogatePairs() throws {
        #expect(try tree(#""\u00e9\u0000\b\f\n\r\t\u20AC""#) == .string("é\u{0}\u{8}\u{c}\n\r\t€"))
        #expect(try tree(#""\ud83d\ude00x""#) == .string("😀x"))
        #expect(try tree("\"é😀\"") == .string("é😀"))
        // An escaped key compares by its unescaped text.
        let key = try JSONScanner.scan(Array(#"{"a\u0062c":1}"#.utf8)) { s -> Bool in
            var c = try s.beginObject()
            let k = try s.nextKey(&c)!
            let matches = s.key(k, is: "abc") && s.string(of: k) == "abc" && s.index(of: k, in: JSONKeyTable(["x", "abc"])) == 1
            try s.skipValue()
            _ = try s.nextKey(&c)
            return matches
        }
        #expect(key)
    }

    @Test func refusesWhatJSONRefuses() {
        let bad = [
            #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\x""#, #""\u12G4""#, "\"a\u{1}b\"", #""abc"#,
            "[,1]", "[,]", "[1,,]", "{\"a\":1,,}", "{,}", "{\"a\" 1}", "{\"a\":}", "[1 2]", "01", "-", "1.", ".5", "1e", "1e+",
            "+1", "tru", "nul", "[", "]", "{", "", " ", "[1]x", "{} {}", "NaN", "'a'",
        ]
        for text in bad { #expect(refuses(Array(text.utf8)), "\(text) should be refused") }
        #expect(refuses([0x22, 0xFF, 0x22]))  // invalid UTF-8
        #expect(refuses([0x22, 0xC0, 0x80, 0x22]))  // overlong NUL
        #expect(refuses([0x22, 0xED, 0xA0, 0x80, 0x22]))  // an encoded surrogate
        #expect(refuses([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22]))  // past U+10FFFF
        #expect(refuses([0x22, 0xE2, 0x82, 0x22]))  // cut short
    }

    @Test func acceptsOneTrailingCommaAsJSONDecoderDoes() throws {
        #expect(try tree("[1,]") == .array([.number(1)]))
        #expect(try tree("{\"a\":1 , }") == .object(["a": .number(1)]))
        #expect(try tree("[[1,],\n]") == .array([.array([.number(1)])]))
        for text in ["[1,]", "{\"a\":1,}"] {
            #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil)
        }
    }

    @Test func skipsAByteOrderMarkAndWhitespace() throws {
        #expect(try JSONTree.scan([0xEF, 0xBB, 0xBF] + Array(" \t\r\n[true] ".utf8)) == .array([.bool(true)]))
    }

    @Test func nestsAsDeepAsJSONSerializationAndNoDeeper() throws {
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        let deep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(!refuses(Array(ok.utf8)))
        #expect(refuses(Array(deep.utf8)))
        #expect((try? JSONSerialization.jsonObject(with: Data(ok.utf8))) != nil)
        #expect((try? JSONSerialization.jsonObject(with: Data(deep.utf8))) == nil)
        // Skipping checks the depth too (no stack exhaustion on hostile nesting).
        let hostile = Array(("{\"a\":" + String(repeating: "[", count: 100_000)).utf8)
        #expect(throws: JSONScanError.self) {
            try JSONScanner.scan(hostile) { s in
                var c = try s.beginObject()
                _ = try s.nextKey(&c)
                try s.skipValue()
            }
        }
    }

    @Test func readsNumbersAsJSONDecoderReadsIntAndDouble() throws {
        func number(_ text: String) throws -> JSONNumber { try JSONScanner.scan(Array(text.utf8)) { try $0.readNumber() } }
        #expect(try number("42").int == 42)
        #expect(try number("-0").int == 0)
        #expect(try number("1.0").int == 1)
        #expect(try number("1e2").int == 100)
        #expect(try number("1.5").int == nil)
        #expect(try number("1.5").double == 1.5)
        #expect(try number("9223372036854775807").int == Int.max)
        #expect(try number("12345678901234567890").int == nil)
        #expect(try number("12345678901234567890").double == 12345678901234567890.0)
        #expect(try number("1e400").double == nil)
        #expect(try number("1e-400").double == 0)
        #expect(try number("9007199254740993").int == 9007199254740993)
    }

    @Test func stringEndsAreFoundAtEveryOffsetOfAWord() throws {
        // The word-at-a-time search: a quote, backslash or control byte at each position 0…15.
        for length in 0..<24 {
            let text = String(repeating: "a", count: length)
            #expect(try tree("\"\(text)\"") == .string(text))
            #expect(try tree("\"\(text)\\n\(text)\"") == .string(text + "\n" + text))
            #expect(refuses(Array("\"\(text)\u{1F}\"".utf8)))
            #expect(try tree("\"\(text)é\(text)\"") == .string(text + "é" + text))
        }
    }

    /// The sixteen-byte search (SSE2 on x86_64) and the word and byte tails after it: a stop at
    /// every offset of strings up to 48 bytes, and bytes >= 0x80 checked only when before the stop.
    @Test func stringEndsAndHighBytesAreFoundAtEveryOffsetOfAVector() throws {
        for length in 0..<48 {
            for at in 0...length {
                let head = String(repeating: "a", count: at)
                let tail = String(repeating: "b", count: length - at)
                #expect(try tree("[\"\(head)\\t\(tail)\",\"\(head)\"]") == .array([.string(head + "\t" + tail), .string(head)]))
                #expect(refuses(Array("\"\(head)\u{1}\(tail)\"".utf8)))
                #expect(try tree("\"\(head)é\(tail)\"") == .string(head + "é" + tail))
                // An invalid UTF-8 byte at any offset of a string is refused.
                #expect(refuses(Array("\"\(head)".utf8) + [0xFF] + Array("\(tail)\"".utf8)))
                #expect(try tree("{\"\(head)\(tail)\":\"\(head)é\"}") == .object(["\(head)\(tail)": .string(head + "é")]))
            }
        }
    }
}
