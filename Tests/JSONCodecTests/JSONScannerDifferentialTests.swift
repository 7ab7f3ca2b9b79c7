import Foundation
import Testing
import TestSupport
@testable import JSONCodec

/// The scanner against `JSONSerialization` on many generated documents: the same tree when
/// both read one, and the same verdict on mutated (mostly broken) ones.
///
/// Known differences, kept out of the generator: numbers beyond `Double`'s range
/// (`JSONSerialization` refuses the document; the scanner, like `JSONDecoder`, reads them and
/// reports the value as no `Double`), and UTF-16/32 documents (`JSONSerialization` detects them).
@Suite struct JSONScannerDifferentialTests {
    typealias Rng = SeededRandom

    static func whitespace(_ r: inout Rng) -> String { ["", "", "", " ", "\n", "\t ", "\r\n  "][r.below(7)] }

    static func string(_ r: inout Rng) -> String {
        let pieces = ["a", "Z", "0", " ", "é", "€", "😀", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\b", "\\f", "\\r",
                      "\\u0000", "\\u00e9", "\\u20ac", "\\uD83D\\uDE00", "\\u001f", "x\u{7F}", "ß", "\u{10FFFF}"]
        var s = "\""
        for _ in 0..<r.below(24) { s += pieces[r.below(pieces.count)] }
        if r.below(8) == 0 { s += String(repeating: "long text ", count: 1 + r.below(40)) }
        return s + "\""
    }

    static func number(_ r: inout Rng) -> String {
        let forms = ["0", "-0", "7", "-12", "123456789", "9007199254740993", "12345678901234567890", "1.5", "-0.25",
                     "3.14159e10", "2E-3", "1e+2", "6.02e23", "1e-300", "0.1", "100000000000000000000000"]
        return forms[r.below(forms.count)]
    }

    /// The bytes mutations put in: JSON's punctuation and letters, controls and broken UTF-8.
    static let mutationBytes = Array("{}[]\",:\\ 0123456789-+.eEtrufalsn\t\n\"u".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xE2, 0xF0, 0xFF]

    /// Changes `doc` `times` times (while it has bytes): a byte replaced, removed or inserted
    /// at a random offset, the new bytes drawn from `alphabet`.
    static func mutate(_ doc: inout [UInt8], times: Int, _ r: inout Rng, _ alphabet: [UInt8]) {
        for _ in 0..<times where !doc.isEmpty {
            let at = r.below(doc.count)
            switch r.below(3) {
            case 0: doc[at] = alphabet[r.below(alphabet.count)]
            case 1: doc.remove(at: at)
            default: doc.insert(alphabet[r.below(alphabet.count)], at: at)
            }
        }
    }

    static func value(_ r: inout Rng, depth: Int) -> String {
        let kind = depth > 5 ? 2 + r.below(4) : r.below(6)
        switch kind {
        case 0:
            var parts: [String] = []
            for _ in 0..<r.below(6) {
                let key = r.below(4) == 0 ? "\"k\(r.below(3))\"" : string(&r)  // some duplicates
                parts.append(whitespace(&r) + key + whitespace(&r) + ":" + whitespace(&r) + value(&r, depth: depth + 1) + whitespace(&r))
            }
            return "{" + parts.joined(separator: ",") + "}"
        case 1:
            let parts = (0..<r.below(6)).map { _ in whitespace(&r) + value(&r, depth: depth + 1) + whitespace(&r) }
            return "[" + parts.joined(separator: ",") + "]"
        case 2: return string(&r)
        case 3: return number(&r)
        case 4: return ["true", "false"][r.below(2)]
        default: return "null"
        }
    }

    private func serialization(_ bytes: [UInt8]) -> JSONTree? {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])).map(JSONTree.from)
    }

    @Test func sameTreeOnGeneratedDocuments() throws {
        var r = Rng(seed: 17)
        for _ in 0..<3_000 {
            let doc = Array((Self.whitespace(&r) + Self.value(&r, depth: 0) + Self.whitespace(&r)).utf8)
            let expected = try #require(serialization(doc), "JSONSerialization refused \(String(decoding: doc, as: UTF8.self))")
            let scanned = try JSONTree.scan(doc)
            #expect(scanned == expected, "\(String(decoding: doc, as: UTF8.self))")
        }
    }

    @Test func sameVerdictOnMutatedDocuments() throws {
        var r = Rng(seed: 99)
        var disagreements: [String] = []
        for _ in 0..<5_000 {
            var doc = Array(Self.value(&r, depth: 0).utf8)
            let times = 1 + r.below(3)
            Self.mutate(&doc, times: times, &r, Self.mutationBytes)
            // UTF-16/32 detection looks at NUL bytes among the first four: keep those out.
            if doc.prefix(4).contains(0) { continue }
            let expected = serialization(doc)
            let scanned = try? JSONTree.scan(doc)
            // The known difference: a number beyond Double's range (JSONDecoder reads it too).
            if expected == nil, scanned?.hasInfiniteNumber == true { continue }
            if (expected == nil) != (scanned == nil) || (expected != nil && !JSONTree.close(expected!, scanned!)) {
                disagreements.append("\(doc) JSONSerialization \(expected == nil ? "refuses" : "reads"), scanner \(scanned == nil ? "refuses" : "reads")")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }
    /// How the document ends when read whole (`JSONTree`) or skipped (`skipValue`): the same
    /// error (offset and reason) or the same success, so skipping checks exactly what reading does.
    /// One wording differs on purpose: skipping calls a bad key "a string", as it always has.
    private func verdicts(_ doc: [UInt8]) -> (read: JSONScanError?, skipped: JSONScanError?) {
        func run(_ body: (inout JSONScanner) throws -> Void) -> JSONScanError? {
            do {
                try JSONScanner.scan(doc, body)
                return nil
            } catch let e as JSONScanError {
                let reason = e.reason.replacingOccurrences(of: "a key without", with: "a string without")
                    .replacingOccurrences(of: "inside a key", with: "inside a string")
                    .replacingOccurrences(of: "a key is not", with: "a string is not")
                return JSONScanError(offset: e.offset, reason: reason)
            } catch {
                return JSONScanError(offset: -1, reason: "\(error)")
            }
        }
        return (run { _ = try JSONTree.read(&$0) }, run { try $0.skipValue() })
    }

    @Test func skippingFailsWhereAndAsReadingFails() {
        var r = Rng(seed: 123)
        var disagreements: [String] = []
        for round in 0..<8_000 {
            var doc = Array((Self.whitespace(&r) + Self.value(&r, depth: 0) + Self.whitespace(&r)).utf8)
            // A quarter stay whole: both succeed and skipping reaches the same end.
            let times = round % 4 == 0 ? 0 : 1 + r.below(3)
            Self.mutate(&doc, times: times, &r, Self.mutationBytes)
            let (read, skipped) = verdicts(doc)
            if read != skipped { disagreements.append("\(String(decoding: doc, as: UTF8.self)): read \(String(describing: read)), skipped \(String(describing: skipped))") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(2))")
    }

    /// Skipping keeps its own stack of open containers, 64 to a word: nestings across those
    /// words, closed right and wrong, agree with reading.
    @Test func skippingDeepMixedNestingAgreesWithReading() {
        var r = Rng(seed: 5)
        var disagreements: [String] = []
        for _ in 0..<400 {
            // Often right at a word's edge, where the stack spills and comes back.
            let depth = r.below(2) == 0 ? 62 + r.below(5) : 1 + r.below(200)
            var opens: [UInt8] = []
            var text = ""
            for _ in 0..<depth {
                if r.below(2) == 0 {
                    text += "{\"k\":"
                    opens.append(UInt8(ascii: "}"))
                } else {
                    text += r.below(3) == 0 ? "[1, " : "["
                    opens.append(UInt8(ascii: "]"))
                }
            }
            text += ["null", "\"s\"", "[]", "{}", "-1.5e3"][r.below(5)]
            var closing = Array(opens.reversed())
            switch r.below(4) {
            case 0 where !closing.isEmpty:
                let at = r.below(closing.count)
                closing[at] = closing[at] == UInt8(ascii: "}") ? UInt8(ascii: "]") : UInt8(ascii: "}")
            case 1 where !closing.isEmpty:
                closing.removeLast(1 + r.below(closing.count))
            case 2:
                closing.insert(UInt8(ascii: ","), at: r.below(closing.count + 1))
            default: break
            }
            let doc = Array(text.utf8) + closing
            let (read, skipped) = verdicts(doc)
            if read != skipped { disagreements.append("depth \(depth): read \(String(describing: read)), skipped \(String(describing: skipped))") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    /// The table indices found reading each object of `doc` (the document itself, or each
    /// element of an array), with `nextKey(_:in:)` or key by key (`nextKey(_:)`, `index(of:in:)`,
    /// `skipValue()`), -1 after each object, and the error if any. Object `k` is read with
    /// `table(k)`.
    static func tableKeys(_ doc: [UInt8], byTable: Bool, _ table: (Int) -> JSONKeyTable) -> ([Int], String?) {
        var found: [Int] = []
        var k = 0
        func object(_ s: inout JSONScanner) throws {
            let table = table(k)
            k += 1
            guard try s.peek() == .object else { return try s.skipValue() }
            var cursor = try s.beginObject()
            if byTable {
                while let i = try s.nextKey(&cursor, in: table) {
                    found.append(i)
                    try s.skipValue()
                }
            } else {
                while let key = try s.nextKey(&cursor) {
                    if let i = s.index(of: key, in: table) { found.append(i) }
                    try s.skipValue()
                }
            }
            found.append(-1)
        }
        do {
            try JSONScanner.scan(doc) { s in
                guard try s.peek() == .array else { return try object(&s) }
                var outer = try s.beginArray()
                while try s.nextElement(&outer) { try object(&s) }
            }
            return (found, nil)
        } catch {
            return (found, "\(error)")
        }
    }

    /// `nextKey(_:in:)`, which skips the members whose keys a table does not have, against
    /// `nextKey(_:)`, `index(of:in:)` and `skipValue()` member by member: the same indices in
    /// the same order, and the same error, on generated and mutated objects.
    @Test func tableKeysAgreeWithKeyByKeyReading() {
        var r = Rng(seed: 31)
        let table = JSONKeyTable(["k0", "k1", "a", "é", "\u{10FFFF}"])
        let alphabet = Array("{}[]\",:\\ 0123456789-+.eEtrufalsn\t\n\"u".utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xA9, 0xFF]
        var disagreements: [String] = []
        var objects = 0
        for round in 0..<6_000 {
            var doc = Array(("{" + (0..<r.below(8)).map { _ in
                ["\"k0\"", "\"k1\"", "\"a\"", "\"\\u00e9\"", "\"é\"", "\"\\u0061\"", "\"other\""][r.below(7)] + ":" + Self.value(&r, depth: 1)
            }.joined(separator: ",") + "}").utf8)
            let times = round % 3 == 0 ? 0 : 1 + r.below(2)
            Self.mutate(&doc, times: times, &r, alphabet)
            let (a, b) = (Self.tableKeys(doc, byTable: true) { _ in table }, Self.tableKeys(doc, byTable: false) { _ in table })
            if a.0 != b.0 || a.1 != b.1 { disagreements.append("\(String(decoding: doc, as: UTF8.self)): \(a) vs \(b)") }
            if a.1 == nil { objects += 1 }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(2))")
        #expect(objects > 1_000)
    }
    /// `nextKey(_:in:)` recognizes the keys an object repeats from the one before it at the same
    /// depth and place: arrays of objects with the same keys, some changed by one byte, spaced,
    /// escaped, reordered, or read with another table in between, give the same indices and
    /// errors as key-by-key reading.
    @Test func repeatedKeysAreFoundAsTheyAreRead() {
        var r = Rng(seed: 41)
        let tables = [JSONKeyTable(["id", "email", "googleCalendarId", "é", "options"]), JSONKeyTable(["email", "id", "x"])]
        let tableFor = { (k: Int) in tables[k % 3 == 2 ? 1 : 0] }
        let keys = ["\"id\"", "\"email\"", "\"googleCalendarId\"", "\"other\"", "\"é\"", "\"options\"", "\"x\""]
        let variants = ["\"i\\u0064\"", "\"id\" ", "\"iD\"", "\"emai\"", "\"googleCalendarIdd\"", "\"e\u{301}\"", "\"id\u{1}\"", "\"optio"]
        var disagreements: [String] = []
        var clean = 0
        for _ in 0..<3_000 {
            let shape = (0..<(1 + r.below(8))).map { _ in keys[r.below(keys.count)] }
            var objects: [String] = []
            for _ in 0..<(2 + r.below(6)) {
                var members = shape.map { $0 + ":" + Self.value(&r, depth: 2) }
                if r.below(4) == 0 { members[r.below(members.count)] = variants[r.below(variants.count)] + ":null" }
                if r.below(8) == 0 { members.shuffle() }
                objects.append("{" + members.joined(separator: ",") + "}")
            }
            let doc = Array(("[" + objects.joined(separator: ",") + "]").utf8)
            let (a, b) = (Self.tableKeys(doc, byTable: true, tableFor), Self.tableKeys(doc, byTable: false, tableFor))
            if a.1 == nil { clean += 1 }
            if a.0 != b.0 || a.1 != b.1 { disagreements.append("\(String(decoding: doc, as: UTF8.self)): \(a) vs \(b)") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(2))")
        #expect(clean > 500)
    }

    /// Unwanted objects and arrays that repeat byte for byte from one object to the next are
    /// passed by comparing them with the one checked before (``JSONKeyGuess``): arrays of objects
    /// whose containers come from a small pool, some changed by a byte (still JSON or not), give
    /// the same indices and errors as key-by-key reading, which checks every byte.
    @Test func repeatedContainersAreCheckedAsTheyAreRead() {
        var r = Rng(seed: 43)
        let table = JSONKeyTable(["id", "email"])
        let alphabet = Array("{}[]\",:\\ 0123456789-+.eEtrufalsn\t\n".utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
        var disagreements: [String] = []
        var clean = 0, passed = 0
        for _ in 0..<3_000 {
            let pool = (0..<(1 + r.below(3))).map { _ -> [UInt8] in
                Array((r.below(2) == 0 ? "{\"a\":" + Self.value(&r, depth: 3) + "}" : "[" + Self.value(&r, depth: 3) + ",null]").utf8)
            }
            let keys = ["\"id\"", "\"email\"", "\"address\"", "\"contact\""]
            let shape = (0..<(2 + r.below(4))).map { _ in keys[r.below(keys.count)] }
            var doc = Array("[".utf8)
            for o in 0..<(2 + r.below(6)) {
                if o > 0 { doc += Array(",".utf8) }
                doc += Array("{".utf8)
                for (m, key) in shape.enumerated() {
                    if m > 0 { doc += Array(",".utf8) }
                    var value = key == "\"id\"" || key == "\"email\"" ? Array("\"v\"".utf8) : pool[r.below(pool.count)]
                    if r.below(10) == 0 { Self.mutate(&value, times: 1, &r, alphabet) }
                    doc += Array(key.utf8) + Array(":".utf8) + value
                }
                doc += Array("}".utf8)
            }
            doc += Array("]".utf8)
            let (a, b) = (Self.tableKeys(doc, byTable: true) { _ in table }, Self.tableKeys(doc, byTable: false) { _ in table })
            if a.1 == nil { clean += 1 }
            if a.1 != nil, b.1 != nil { passed += 1 }
            if a.0 != b.0 || a.1 != b.1 { disagreements.append("\(String(decoding: doc, as: UTF8.self)): \(a) vs \(b)") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(2))")
        #expect(clean > 1_000)
        #expect(passed > 100)
    }

    /// A container passed by comparison is one checked at the same depth: the same bytes in an
    /// object four levels deeper (the same place in the scanner's guesses) are checked again, and
    /// refused where they nest past ``JSONScanner/maxDepth``.
    @Test func aRepeatedContainerDeeperIsCheckedAgainstTheNestingLimit() throws {
        let table = JSONKeyTable(["id"])
        func walk(_ text: String) throws {
            try JSONScanner.scan(Array(text.utf8)) { s in
                var outer = try s.beginArray()
                while try s.nextElement(&outer) {
                    var cursors: [JSONScanner.Cursor] = []
                    while try s.peek() == .array {
                        var c = try s.beginArray()
                        _ = try s.nextElement(&c)
                        cursors.append(c)
                    }
                    var cursor = try s.beginObject()
                    while try s.nextKey(&cursor, in: table) != nil { try s.skipValue() }
                    for i in cursors.indices.reversed() { _ = try s.nextElement(&cursors[i]) }
                }
            }
        }
        func deep(_ levels: Int) -> String { String(repeating: "[", count: levels) + String(repeating: "]", count: levels) }
        // The most levels a value may nest in an object in an array (opened at depth 2).
        let most = try #require((400...520).last { (try? walk("[{\"x\":\(deep($0))}]")) != nil })
        #expect(most > 400 && most < 520)
        #expect(throws: Never.self) { try walk("[{\"x\":\(deep(most))},{\"x\":\(deep(most))}]") }
        // Four levels deeper: the same slot of the guesses, the same bytes, refused.
        #expect(throws: (any Error).self) { try walk("[{\"x\":\(deep(most))},[[[[{\"x\":\(deep(most))}]]]]]") }
        #expect(throws: (any Error).self) { try walk("[[[[[{\"x\":\(deep(most))}]]]]]") }
    }

    /// `readString(reusing:)` answers what `readString()` answers, and throws where and as it
    /// throws, leaving the position where it leaves it: on generated strings (escapes, UTF-8,
    /// controls), mutated ones, and non-strings, each with an expectation that is its own text,
    /// a text one byte off, a prefix, or anything else.
    @Test func readingAStringReusingAnExpectedOneAgreesWithReadingIt() {
        var r = Rng(seed: 47)
        let alphabet = Array("\"\\ azé\t".utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
        var disagreements: [String] = []
        var reused = 0
        for _ in 0..<6_000 {
            var doc = Array((r.below(10) == 0 ? Self.value(&r, depth: 4) : " " + Self.string(&r) + " ").utf8)
            if r.below(4) == 0 { Self.mutate(&doc, times: 1, &r, alphabet) }
            func read(_ expected: String?) -> (String?, Int, String?) {
                var position = -1
                do {
                    let text = try JSONScanner.scan(doc) { s -> String in
                        let t = try expected.map { try s.readString(reusing: $0) } ?? s.readString()
                        position = s.position
                        return t
                    }
                    return (text, position, nil)
                } catch {
                    return (nil, position, "\(error)")
                }
            }
            let plain = read(nil)
            let own = plain.0 ?? ""
            // The raw run after the opening quote, up to the first quote or backslash: what a
            // comparison that forgot to look at the byte it stopped on would take for the string.
            let quote = doc.firstIndex(of: UInt8(ascii: "\"")) ?? doc.count
            let run = doc[min(quote + 1, doc.count)...].prefix { $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
            let candidates = [own, own + "x", String(own.dropLast()), String(own.dropFirst()), "", "é", own.uppercased(),
                              String(decoding: run, as: UTF8.self)]
            for expected in candidates {
                let got = read(expected)
                if got.0 != plain.0 || got.1 != plain.1 || got.2 != plain.2 {
                    disagreements.append("\(String(decoding: doc, as: UTF8.self)) expecting \(expected): \(got) vs \(plain)")
                }
            }
            if plain.0 != nil { reused += 1 }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(3))")
        #expect(reused > 2_000)
    }
}
