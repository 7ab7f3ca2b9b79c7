import Foundation
import TestSupport
import Testing
@testable import BatchCore
@testable import BatchReport

/// ReportLineBuffer's word-at-a-time fields and table-driven numbers, against the rule they encode.
@Suite struct ReportLineBufferTests {
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

    @Test func fieldsAndNumbersMatchTheRule() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path("lines.csv")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(fd >= 0)
        let buffer = ReportLineBuffer(fileDescriptor: fd, path: path)
        var want: [UInt8] = []
        let specials: [UInt8] = [0x2C, 0x22, 0x0D, 0x0A, 0x3D, 0x2D, 0x41, 0xC3]
        for length in 0...25 {
            for special in specials {
                for at in [-1] + Array(0..<length) {
                    var f = (0..<length).map { UInt8(0x61 + $0 % 26) }
                    if at >= 0 { f[at] = special }
                    for guardFormula in [true, false] {
                        // The field ends a heap block of its own size: no byte past it may be read.
                        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(length, 1))
                        _ = copy.initialize(from: f)
                        try buffer.field(UnsafeBufferPointer(rebasing: copy[0..<length]), guardFormula: guardFormula)
                        copy.deallocate()
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
        try buffer.flush()
        close(fd)
        let got = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(got.count == want.count)
        #expect(got == want)
    }

    @Test func statusFieldsAreTheRawValues() {
        for status in RowStatus.allCases {
            let text = ReportWriter.statusField(status)
            #expect(String(decoding: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount), as: UTF8.self)
                    == "," + status.rawValue)
        }
    }
}
