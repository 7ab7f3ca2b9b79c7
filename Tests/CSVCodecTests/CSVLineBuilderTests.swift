import Foundation
import TestSupport
import Testing
import CSVCodec

/// CSVLineBuilder (the report's output buffer) against the rule it encodes and, differentially,
/// against CSVWriter with the report's options: the same bytes for every field.
@Suite struct CSVLineBuilderTests {
    /// The report's CSV rule, byte by byte: quoted when holding `,` `"` CR or LF, quotes doubled,
    /// `'` first when guarded and starting with `=` `+` `-` `@` TAB or CR.
    static func expected(_ f: [UInt8], guardFormula: Bool) -> [UInt8] {
        var body: [UInt8] = []
        if guardFormula, let first = f.first, [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains(first) { body.append(0x27) }
        body += f
        guard f.contains(where: { [0x2C, 0x22, 0x0D, 0x0A].contains($0) }) else { return [0x2C] + body }
        var quoted: [UInt8] = [0x2C, 0x22]
        for b in body {
            quoted.append(b)
            if b == 0x22 { quoted.append(0x22) }
        }
        return quoted + [0x22]
    }

    /// CSVWriter's bytes for one field after a first empty one (so both start with `,`).
    static func writerBytes(_ f: [UInt8], guardFormula: Bool) throws -> [UInt8] {
        var w = CSVWriter(options: CSVWriterOptions(lineEnding: .crlf, spreadsheetSafe: true))
        let text = String(decoding: f, as: UTF8.self)
        try w.write(record: ["", text], formulaSafeColumns: guardFormula ? [] : [1])
        var out = w.bytes
        out.removeLast(2) // CRLF
        return out
    }

    @Test func fieldsAndNumbersMatchTheRule() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path("lines.csv")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(fd >= 0)
        let buffer = CSVLineBuilder(fileDescriptor: fd)
        var want: [UInt8] = []
        let specials: [UInt8] = [0x2C, 0x22, 0x0D, 0x0A, 0x3D, 0x2D, 0x41, 0xC3]
        for length in 0...25 {
            for special in specials {
                for at in [-1] + Array(0..<length) {
                    var f = (0..<length).map { UInt8(0x61 + $0 % 26) }
                    if at >= 0 { f[at] = special }
                    for guardFormula in [true, false] {
                        // The field ends an array of its own size: no byte past it may be read.
                        let copy = Array(f)
                        try buffer.field(copy.span, guardFormula: guardFormula)
                        want += Self.expected(f, guardFormula: guardFormula)
                    }
                }
            }
        }
        let numbers = [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12345, 99999, 100000, 1_000_000, 9_999_999, 123_456_789_012,
                       -1, -10, -100, -987654, Int.max, Int.min]
        for (i, n) in numbers.enumerated() {
            try buffer.number(n, first: i == 0)
            want += Array(((i == 0 ? "" : ",") + String(n)).utf8)
        }
        try buffer.emptyFieldsAndLineEnd(2)
        want += [0x2C, 0x2C, 0x0D, 0x0A]
        try buffer.flush()
        close(fd)
        let got = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(got.count == want.count)
        #expect(got == want)
    }

    /// Differential against CSVWriter on random fields (valid UTF-8 over an alphabet rich in the
    /// bytes that matter), many past the 1 MiB flush point, in memory mode.
    @Test func randomFieldsMatchCSVWriter() throws {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [String] = [",", "\"", "\r", "\n", "=", "+", "-", "@", "\t", "'", " ", "a", "Z", "0", "é", "€", "😀"]
        let builder = CSVLineBuilder()
        var want: [UInt8] = []
        for round in 0..<3000 {
            let length = round % 97 == 0 ? Int.random(in: 0...40_000, using: &rng) : Int.random(in: 0...40, using: &rng)
            var text = ""
            for _ in 0..<length { text += alphabet.randomElement(using: &rng)! }
            let f = Array(text.utf8)
            let guardFormula = Bool.random(using: &rng)
            try builder.field(f.span, guardFormula: guardFormula)
            let expected = try Self.writerBytes(f, guardFormula: guardFormula)
            #expect(expected == Self.expected(f, guardFormula: guardFormula), "\(text.debugDescription)")
            want += expected
        }
        try builder.flush()
        #expect(builder.bytes == want)
    }

    /// ``CSVLineBuilder/raw(_:)`` copies a fixed text of 4 to 16 bytes as two overlapping words:
    /// every length from 0 to 20, each text a run of distinct bytes (a misplaced word shows), in
    /// the report's own texts too, back to back so that a byte written past a text would be
    /// overwritten by the next and show as a wrong length.
    @Test func rawTextsOfEveryLength() throws {
        let texts: [StaticString] = [
            "", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "abcdefghi", "abcdefghij",
            "abcdefghijk", "abcdefghijkl", "abcdefghijklm", "abcdefghijklmn", "abcdefghijklmno", "abcdefghijklmnop",
            "abcdefghijklmnopq", "abcdefghijklmnopqr", "abcdefghijklmnopqrs", "abcdefghijklmnopqrst",
            ",valid", ",invalid", ",skipped", ",would-recover", ",google", ",outlook", ",", ",,",
        ]
        let builder = CSVLineBuilder()
        var want: [UInt8] = []
        for text in texts {
            try builder.raw(text)
            want += text.withUTF8Buffer { Array($0) }
        }
        try builder.flush()
        #expect(builder.bytes == want)
    }
}
