import Foundation
import Testing
import TestSupport
import XLSXCodec

/// The deflater's pointer code (four-byte hashing, eight-byte match comparison) on inputs made to
/// reach its edges: matches running into the end of the input and of each piece, runs longer
/// than the longest match, repeats at every distance up to the window, noise. Every stream must
/// inflate back to its input through our Inflater and through Python's zlib; CRC-32 must agree
/// with zlib's.
@Suite struct DeflaterFuzzTests {
    /// Input of one of several shapes, from `seed`.
    static func input(seed: UInt64) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        let size = [0, 1, 3, 4, 7, 8, 9, 259, 4_000, 33_000, 70_000, 300_000][Int(seed % 12)]
        var out: [UInt8] = []
        out.reserveCapacity(size)
        while out.count < size {
            switch Int.random(in: 0..<6, using: &random) {
            case 0: // noise
                for _ in 0..<Int.random(in: 1...64, using: &random) { out.append(UInt8.random(in: 0...255, using: &random)) }
            case 1: // a run, often longer than 258
                out += repeatElement(UInt8.random(in: 0...3, using: &random), count: Int.random(in: 1...700, using: &random))
            case 2, 3: // a copy of earlier bytes, at any distance the window allows, sometimes altered
                guard !out.isEmpty else { continue }
                let distance = Int.random(in: 1...min(out.count, 32_768), using: &random)
                let length = Int.random(in: 3...300, using: &random)
                let start = out.count - distance
                for k in 0..<length { out.append(out[start + k]) }
                if Bool.random(using: &random) { out[out.count - 1] ^= 1 }
            default: // sheet XML
                let n = Int.random(in: 0...1_000_000, using: &random)
                out += Array("<row r=\"\(n)\"><c><v>\(n)</v></c><c t=\"inlineStr\"><is><t>p\(n)@example.com</t></is></c></row>".utf8)
            }
        }
        return Array(out.prefix(size))
    }

    /// `bytes` deflated in uneven pieces, as a sheet's rows come.
    static func deflate(_ bytes: [UInt8], seed: UInt64) -> [UInt8] {
        var random = SeededRandom(seed: seed &* 31 &+ 7)
        var deflater = Deflater()
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let n = min(bytes.count - i, [1, 5, 258, 4_096, 65_536, 300_000][Int.random(in: 0..<6, using: &random)])
            deflater.write(Array(bytes[i..<(i + n)]), into: &out)
            i += n
        }
        deflater.finish(into: &out)
        return out
    }

    @Test func everyShapeRoundTripsThroughOurInflater() throws {
        for seed in 0..<48 as Range<UInt64> {
            let data = Self.input(seed: seed)
            let compressed = Self.deflate(data, seed: seed)
            #expect(try InflaterTests.inflate(compressed) == data, "seed \(seed), \(data.count) bytes")
        }
    }

    @Test(.enabled(if: OpenpyxlDump.python != nil || OpenpyxlDump.inCI, "python3 is not installed"))
    func zlibInflatesEveryShapeAndAgreesOnCRC32() throws {
        let python = try #require(OpenpyxlDump.python, "python3 is required under CI=true")
        let script = #"""
import sys, zlib, struct
data = sys.stdin.buffer.read()
i = 0
while i < len(data):
    (n,) = struct.unpack_from("<I", data, i); i += 4
    compressed = data[i:i + n]; i += n
    (m,) = struct.unpack_from("<I", data, i); i += 4
    original = data[i:i + m]; i += m
    (crc,) = struct.unpack_from("<I", data, i); i += 4
    out = zlib.decompressobj(-15).decompress(compressed)
    print("ok" if out == original else "differs", "ok" if zlib.crc32(original) == crc else "crc")
"""#
        var payload: [UInt8] = []
        var count = 0
        for seed in 100..<136 as Range<UInt64> {
            let data = Self.input(seed: seed)
            let compressed = Self.deflate(data, seed: seed)
            payload.le32(compressed.count); payload += compressed
            payload.le32(data.count); payload += data
            // The checksum in pieces starting at odd offsets, as the ZIP writer gets them.
            var crc = CRC32()
            var i = 0, step = 1
            while i < data.count {
                crc.update(Array(data[i..<min(i + step, data.count)]))
                i += step
                step = step * 7 % 9_973 + 1
            }
            payload.le32(Int(crc.value))
            count += 1
        }
        let run = try ChildProcess.run(python, ["-c", script], input: Data(payload), timeout: 120)
        #expect(run.status == 0, "\(run.stderrText)")
        let lines = run.stdoutText.split(separator: "\n")
        #expect(lines.count == count)
        for (n, line) in lines.enumerated() { #expect(line == "ok ok", "input \(n)") }
    }
}

private extension [UInt8] {
    mutating func le32(_ v: Int) {
        for k in 0..<4 { append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
    }
}
