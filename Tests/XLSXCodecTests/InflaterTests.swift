import Foundation
import Testing
import TestSupport
import XLSXCodec

/// The inflater on every block type: our own fixed-Huffman output, stored blocks, and zlib's
/// dynamic-Huffman output (through Python, when it is there).
@Suite struct InflaterTests {
    static func inflate(_ compressed: [UInt8], limit: Int = 1 << 30, pieces: Int = 1000) throws -> [UInt8] {
        var offset = 0
        var inflater = Inflater(limit: limit) { buffer in
            guard offset < compressed.count else { return false }
            let n = min(pieces, compressed.count - offset)
            buffer = Array(compressed[offset..<(offset + n)])
            offset += n
            return true
        }
        var out: [UInt8] = []
        while try inflater.read(into: &out, atMost: 4096) {}
        #expect(inflater.isFinished)
        return out
    }

    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var deflater = Deflater()
        var out: [UInt8] = []
        deflater.write(bytes, into: &out)
        deflater.finish(into: &out)
        return out
    }

    static func sample(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        let words = ["<row>", "<c r=\"A1\">", "Chloé", " ", "éà", "\n", "00123", "</c>", "x"]
        var out: [UInt8] = []
        while out.count < count {
            if Int.random(in: 0..<10, using: &random) == 0 {
                out.append(UInt8.random(in: 0...255, using: &random))
            } else {
                out += words[Int.random(in: 0..<words.count, using: &random)].utf8
            }
        }
        return out
    }

    @Test func roundTripsOurOwnDeflate() throws {
        for (size, seed) in [(0, 1), (1, 2), (300, 3), (70_000, 4), (400_000, 5)] as [(Int, UInt64)] {
            let data = Self.sample(size, seed: seed)
            #expect(try Self.inflate(Self.deflate(data)) == data, "\(size) bytes")
        }
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        let compressed = Self.deflate(zeros)
        #expect(compressed.count < 12_000)
        #expect(try Self.inflate(compressed, pieces: 7) == zeros)
    }

    @Test func storedBlocksThenAFixedOne() throws {
        let first = Self.sample(1_000, seed: 9), second = Self.sample(5_000, seed: 10)
        // A stored block that is not the last (BFINAL 0, BTYPE 00), byte-aligned, then our fixed block.
        let n = UInt16(first.count)
        var stream: [UInt8] = [0x00, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)] + first
        stream += Self.deflate(second)
        #expect(try Self.inflate(stream) == first + second)
        var broken = stream
        broken[3] ^= 1 // the complement no longer matches
        #expect(throws: ZipError.self) { try Self.inflate(broken) }
    }

    @Test func malformedStreamsAreErrors() throws {
        #expect(throws: ZipError.self) { try Self.inflate([0x07]) } // reserved block type 3
        #expect(throws: ZipError.self) { try Self.inflate(Array(Self.deflate(Self.sample(10_000, seed: 3)).prefix(100))) }
        // A match at the very start reaches before the data: fixed block, length 3 (code 257), distance 1.
        #expect(throws: ZipError.self) { try Self.inflate([0x03, 0x02, 0x00]) }
        #expect(throws: ZipError.self) { try Self.inflate(Self.deflate(Self.sample(50_000, seed: 4)), limit: 10_000) }
    }

    @Test(.enabled(if: OpenpyxlDump.available, "python3 (.build-venv) is not installed"))
    func inflatesWhatZlibWrites() throws {
        let python = try #require(OpenpyxlDump.python, "python3 is required under CI=true")
        let script = "import sys, zlib\nlevel = int(sys.argv[1])\nc = zlib.compressobj(level, zlib.DEFLATED, -15)\n"
            + "sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read()) + c.flush())"
        let data = Self.sample(300_000, seed: 77)
        for level in [0, 1, 6, 9] {
            let run = try ChildProcess.run(python, ["-c", script, String(level)], input: Data(data), timeout: 60)
            #expect(run.status == 0, "\(run.stderrText)")
            #expect(try Self.inflate(Array(run.stdout), pieces: 333) == data, "zlib level \(level)")
        }
    }
}
