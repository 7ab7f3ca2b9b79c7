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
        let alphabet = Array("{}[]\",:\\ 0123456789-+.eEtrufalsn\t\n\"u".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xE2, 0xF0, 0xFF]
        var disagreements: [String] = []
        for _ in 0..<5_000 {
            var doc = Array(Self.value(&r, depth: 0).utf8)
            for _ in 0..<(1 + r.below(3)) where !doc.isEmpty {
                let at = r.below(doc.count)
                switch r.below(3) {
                case 0: doc[at] = alphabet[r.below(alphabet.count)]
                case 1: doc.remove(at: at)
                default: doc.insert(alphabet[r.below(alphabet.count)], at: at)
                }
            }
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
}
