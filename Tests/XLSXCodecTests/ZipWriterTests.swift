import Foundation
import Testing
import TestSupport
import XLSXCodec

/// The archives the writer makes, read by Python's zipfile (which checks every CRC and inflates
/// with zlib): an independent check of the deflate encoder and the ZIP layout.
@Suite struct ZipWriterTests {
    static let script = #"""
import sys, zipfile, hashlib
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    for info in z.infolist():
        data = z.read(info)
        print(info.filename, len(data), info.compress_size, hashlib.sha256(data).hexdigest())
"""#

    func sha256Hex(_ bytes: [UInt8], python: String) throws -> String {
        let run = try ChildProcess.run(python, ["-c", "import sys,hashlib; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())"],
                                       input: Data(bytes), timeout: 60)
        return run.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.enabled(if: OpenpyxlDump.available, "python3 with openpyxl (.build-venv) is not installed"))
    func pythonReadsEveryEntryBack() throws {
        let python = try #require(OpenpyxlDump.python, "python3 is required under CI=true")
        var random = SeededRandom(seed: 15)
        let noise = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        var text: [UInt8] = []
        for i in 0..<40_000 { text += Array("<row r=\"\(i)\"><c r=\"A\(i)\" t=\"inlineStr\"><is><t>name \(i % 97)</t></is></c></row>".utf8) }
        let runs = [UInt8](repeating: 0x41, count: 300_000) + Array("abcabcabcabd".utf8)
        let entries: [(String, [UInt8])] = [("empty", []), ("one", [0x7A]), ("noise", noise), ("xml/sheet.xml", text),
                                            ("runs", runs), ("naïve name.txt", Array("Chloé".utf8))]
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("test.zip").path
        var archive: [UInt8] = []
        let writer = ZipWriter { archive += $0 }
        for (name, bytes) in entries {
            try writer.beginEntry(name)
            // In uneven pieces, as a sheet's rows come.
            var i = 0, step = 1
            while i < bytes.count {
                try writer.write(Array(bytes[i..<min(i + step, bytes.count)]))
                i += step
                step = step * 3 % 70_001 + 1
            }
            try writer.endEntry()
        }
        try writer.close()
        try Data(archive).write(to: URL(fileURLWithPath: path))
        let run = try ChildProcess.run(python, ["-c", Self.script, path], timeout: 120)
        #expect(run.status == 0, "\(run.stderrText)")
        let lines = run.stdoutText.split(separator: "\n").map { $0.split(separator: " ") }
        #expect(lines.count == entries.count)
        for (line, (name, bytes)) in zip(lines, entries) {
            #expect(line.dropLast(3).joined(separator: " ") == name)
            #expect(Int(line[line.count - 3]) == bytes.count)
            #expect(String(line[line.count - 1]) == (try sha256Hex(bytes, python: python)))
        }
        // Repetitive XML shrinks well; noise does not grow much.
        let xmlLine = try #require(lines.first { $0[0] == "xml/sheet.xml" })
        #expect(Int(xmlLine[2])! * 5 < text.count, "compressed \(xmlLine[2]) of \(text.count)")
        let noiseLine = try #require(lines.first { $0[0] == "noise" })
        #expect(Int(noiseLine[2])! < noise.count * 115 / 100)
    }

    @Test func beyondWhatZIPWithoutZIP64HoldsIsRefused() throws {
        var out: [UInt8] = []
        let big = ZipWriter(output: { out += $0 }, limit: 100_000)
        try big.beginEntry("xl/worksheets/sheet1.xml")
        try big.write([UInt8](repeating: 0x41, count: 60_000))
        #expect(throws: ZipError(entry: "xl/worksheets/sheet1.xml", reason: "larger than 4 GiB, which needs ZIP64")) {
            try big.write([UInt8](repeating: 0x41, count: 60_000))
        }
        var random = SeededRandom(seed: 4)
        let noise = (0..<120_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let archive = ZipWriter(output: { _ in }, limit: 100_000)
        try archive.beginEntry("a")
        #expect(throws: ZipError.self) {
            try archive.write(noise) // its compressed bytes pass the limit
            try archive.endEntry()
            try archive.beginEntry("b")
        }
    }
}
