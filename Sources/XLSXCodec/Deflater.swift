/// A streaming raw DEFLATE (RFC 1951) compressor, as ZIP's method 8 wants it.
///
/// One fixed-Huffman block for the whole stream (a fixed block has no length limit), with greedy
/// LZ77 matching over the last 32 KiB: at each position, the last earlier position whose four
/// bytes hash alike, compared eight bytes at a time. Sheet XML is very repetitive (each row's
/// `</t></is></c><c t="inlineStr"><is><t>` follows the row before), so this compresses it about
/// 10× without the cost of longer chains, lazy matching or dynamic Huffman tables. Measured on
/// the report of 200,000 rows (callgrind): chains of 2 with one position inside each match
/// indexed took 1.5× the instructions of this (chains of 4, 1.75×), for a workbook 1.5 %
/// larger, not smaller. So there is one candidate per position and no chain table: the hash
/// table alone, 32-bit entries (128 KiB), small enough to stay in the core's cache beside the
/// window (its miss on every position was two fifths of the time with 64-bit entries and a
/// chain table beside it, issue 15).
/// Memory is constant: the window (and up to ``slack`` more history), the input pending, and
/// one 32 Ki-entry table.
public struct Deflater {
    static let window = 32_768
    static let maxMatch = 258
    static let minMatch = 3
    static let hashBits = 15
    /// Input is encoded once this much is pending (so matches can look 258 bytes ahead).
    static let encodeThreshold = 65_536
    /// History beyond the window kept before it is dropped: dropping moves the window and the
    /// input left to the front of `data`, so it is done once per 256 KiB encoded rather than
    /// after every piece (the moves were a fifth of the deflating thread's copying, issue 15).
    /// Which history is kept changes no match: candidates further back than the window are
    /// refused by the distance test.
    static let slack = 1 << 18

    /// The window's history followed by the input not yet encoded; `data[0]` is absolute position `base`.
    private var data: [UInt8] = []
    private var base = 0
    /// The absolute position of the next byte to encode.
    private var position = 0
    /// Hash of four bytes → the last absolute position + 1 with that hash, modulo 2³² (0: none).
    /// A ZIP entry holds less than 4 GiB, so positions fit; beyond, an entry could name a wrong
    /// candidate, which the distance test and the byte comparison make harmless (a shorter or no
    /// match), never a read outside the window.
    private var head: [UInt32]
    /// Where ``encode(final:into:)`` assembles its output before appending it.
    private var scratch: [UInt8] = []
    private var bitBuffer: UInt64 = 0
    private var bitCount = 0
    private var started = false
    private var finished = false

    public init() {
        head = [UInt32](repeating: 0, count: 1 << Self.hashBits)
        data.reserveCapacity(Self.window + Self.slack + Self.encodeThreshold * 4)
    }

    /// Compresses `bytes`, appending whatever compressed output is ready to `out`.
    public mutating func write(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        precondition(!finished, "Deflater.write after finish")
        data.append(contentsOf: bytes)
        if base + data.count - position >= Self.encodeThreshold { encode(final: false, into: &out) }
    }

    public mutating func write(_ bytes: [UInt8], into out: inout [UInt8]) {
        bytes.withUnsafeBytes { write($0, into: &out) }
    }

    /// Encodes the rest, ends the block and pads to a byte: the stream is complete after this.
    public mutating func finish(into out: inout [UInt8]) {
        guard !finished else { return }
        encode(final: true, into: &out)
        put(0, 7, &out) // end of block: code 256 is seven zero bits
        if bitCount > 0 { out.append(UInt8(truncatingIfNeeded: bitBuffer)) }
        bitBuffer = 0
        bitCount = 0
        finished = true
    }

    @inline(__always)
    private mutating func put(_ bits: UInt32, _ count: Int, _ out: inout [UInt8]) {
        bitBuffer |= UInt64(bits) << UInt64(bitCount)
        bitCount += count
        while bitCount >= 8 {
            out.append(UInt8(truncatingIfNeeded: bitBuffer))
            bitBuffer >>= 8
            bitCount -= 8
        }
    }

    /// Encodes pending input: all of it when `final`, else all but the last `maxMatch` bytes.
    ///
    /// Invariants of the pointer code: `p - base` indexes `data` (0 ≤ p - base < data.count);
    /// hashing reads the four bytes at a position only when `p + 4 <= end`; a match candidate `c`
    /// (`p` minus the distance its table entry gives) satisfies `base ≤ c < p` and
    /// `p - c ≤ window`, and comparisons (eight bytes at a time while eight remain before
    /// `limit`, then byte by byte) stop at `end`, so every read is inside `data`. Hash-table
    /// entries older than the window are rejected by the distance test before they are
    /// dereferenced; the hash index is 15 bits, inside the table.
    private mutating func encode(final: Bool, into out: inout [UInt8]) {
        if !started {
            self.put(0b011, 3, &out) // BFINAL = 1, BTYPE = 01 (fixed Huffman)
            started = true
        }
        let end = base + data.count
        let stop = final ? end : end - Self.maxMatch
        var p = position
        let base = self.base
        let literals = Self.literalTable, lengths = Self.lengthTable
        let distanceSymbols = Self.distanceSymbolTable, distances = Self.distanceTable
        // The bit buffer lives in locals while `data`, `head` and `previous` are borrowed; whole
        // 32-bit words go into `scratch`, sized for the worst case: a symbol never takes more
        // than 11 bits per input byte (a literal 9, a 3-byte match at most 31).
        var acc = bitBuffer, count = bitCount
        let needed = max(0, stop - p) * 11 / 8 + 16
        if scratch.count < needed { scratch = [UInt8](repeating: 0, count: needed) }
        var o = 0
        scratch.withUnsafeMutableBytes { sink in
        /// Appends a table entry's code (`entry & 0xFFFFFF`, at most 24 bits, so with fewer than 32
        /// bits pending it fits the 64-bit buffer) of `entry >> 24` bits.
        @inline(__always) func put(_ entry: UInt32) {
            acc |= UInt64(entry & 0xFF_FFFF) &<< UInt64(truncatingIfNeeded: count)
            count &+= Int(entry &>> 24)
            if count >= 32 {
                sink.storeBytes(of: UInt32(truncatingIfNeeded: acc).littleEndian, toByteOffset: o, as: UInt32.self)
                o += 4
                acc >>= 32
                count -= 32
            }
        }
        data.withUnsafeBufferPointer { d in
            head.withUnsafeMutableBufferPointer { head in
                let raw = UnsafeRawPointer(d.baseAddress!)
                /// The hash of the four bytes at `at` (`at + 4 <= end`).
                @inline(__always) func hash(_ at: Int) -> Int {
                    let v = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at &- base, as: UInt32.self))
                    return Int((v &* 2_654_435_761) >> UInt32(32 - Self.hashBits))
                }
                /// How many bytes from `a` and `b` (indexes into `d`, `a < b`) agree, up to
                /// `limit` (`b + limit <= d.count`): eight at a time while eight remain.
                @inline(__always) func agreeing(_ a: Int, _ b: Int, _ limit: Int) -> Int {
                    var n = 0
                    while n &+ 8 <= limit {
                        let x = raw.loadUnaligned(fromByteOffset: a &+ n, as: UInt64.self)
                            ^ raw.loadUnaligned(fromByteOffset: b &+ n, as: UInt64.self)
                        if x != 0 { return n &+ UInt64(littleEndian: x).trailingZeroBitCount >> 3 }
                        n &+= 8
                    }
                    while n < limit, d[a &+ n] == d[b &+ n] { n &+= 1 }
                    return n
                }
                while p < stop {
                    var bestLength = 0, bestDistance = 0
                    if p &+ 4 <= end {
                        let h = hash(p)
                        let entry = head[h]
                        head[h] = UInt32(truncatingIfNeeded: p &+ 1)
                        // The distance back to the entry's position (`p` minus it, modulo 2³²).
                        let distance = Int(UInt32(truncatingIfNeeded: p) &- (entry &- 1))
                        if entry != 0, distance > 0, distance <= Self.window, p &- distance >= base {
                            let limit = min(Self.maxMatch, end &- p)
                            let n = agreeing(p &- distance &- base, p &- base, limit)
                            bestLength = n
                            bestDistance = distance
                        }
                    }
                    if bestLength >= Self.minMatch {
                        put(lengths[bestLength])
                        // The distance symbol's entry holds its code, its first distance (bits
                        // 5-19) and its bit count; the extra bits go above the 5-bit code.
                        let e = distances[Int(distanceSymbols[bestDistance])]
                        let extra = UInt32(truncatingIfNeeded: bestDistance) &- ((e &>> 5) & 0x7FFF)
                        put((e & 0xFF00_001F) | extra &<< 5)
                        p &+= bestLength
                    } else {
                        put(literals[Int(d[p &- base])])
                        p &+= 1
                    }
                }
            }
        }
        while count >= 8 {
            sink[o] = UInt8(truncatingIfNeeded: acc)
            o += 1
            acc >>= 8
            count -= 8
        }
        }
        out.append(contentsOf: scratch[0..<o])
        bitBuffer = acc
        bitCount = count
        position = p
        // Keep the last window of history; drop the rest once it passes the slack.
        let keepFrom = position - Self.window
        if keepFrom - self.base >= Self.slack {
            data.removeFirst(keepFrom - self.base)
            self.base = keepFrom
        }
    }

    // MARK: Fixed Huffman tables (RFC 1951 3.2.6), codes bit-reversed for LSB-first output.

    static func reversed(_ code: UInt32, _ length: Int) -> UInt32 {
        var r: UInt32 = 0
        for i in 0..<length where code & (1 << UInt32(i)) != 0 { r |= 1 << UInt32(length - 1 - i) }
        return r
    }

    static func fixedCode(_ symbol: Int) -> (UInt32, Int) {
        switch symbol {
        case 0...143: (reversed(UInt32(0x30 + symbol), 8), 8)
        case 144...255: (reversed(UInt32(0x190 + symbol - 144), 9), 9)
        case 256...279: (reversed(UInt32(symbol - 256), 7), 7)
        default: (reversed(UInt32(0xC0 + symbol - 280), 8), 8)
        }
    }

    static let literalCodes: [UInt32] = (0..<256).map { fixedCode($0).0 }
    static let literalLengths: [UInt8] = (0..<256).map { UInt8(fixedCode($0).1) }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// For each match length 3...258: its length symbol's code followed by the extra bits.
    static let (lengthCodes, lengthBitCounts): ([UInt32], [UInt8]) = {
        var codes = [UInt32](repeating: 0, count: 259), counts = [UInt8](repeating: 0, count: 259)
        for length in 3...258 {
            var s = lengthBase.count - 1
            while lengthBase[s] > length { s -= 1 }
            if length == 258 { s = 28 }
            let (code, n) = fixedCode(257 + s)
            codes[length] = code | UInt32(length - lengthBase[s]) << UInt32(n)
            counts[length] = UInt8(n + lengthExtra[s])
        }
        return (codes, counts)
    }()

    static let distanceCodes: [UInt32] = (0..<30).map { reversed(UInt32($0), 5) }

    // MARK: The tables ``encode(final:into:)`` reads per symbol
    //
    // Built once from the arrays above and never freed (they live as long as the process), read
    // through pointers: no bounds check or reference count per symbol. Each entry is a code in
    // its low bits and its bit count in the top byte (codes are at most 13 bits, 18 with a
    // distance's extra bits). Invariants: indexes are a byte (literals), a match length 3...258,
    // a distance 1...32768, and a distance symbol 0...29, each within its table's size. They are
    // `nonisolated(unsafe)` because pointers are not `Sendable`; nothing writes through them
    // after they are built, so any thread may read them.

    /// Literal byte → its code and length.
    nonisolated(unsafe) static let literalTable: UnsafePointer<UInt32> =
        table((0..<256).map { literalCodes[$0] | UInt32(literalLengths[$0]) << 24 })
    /// Match length (index 3...258) → its length symbol's code with the extra bits, and their count.
    nonisolated(unsafe) static let lengthTable: UnsafePointer<UInt32> =
        table((0..<259).map { lengthCodes[$0] | UInt32(lengthBitCounts[$0]) << 24 })
    /// Distance (index 1...32768) → its distance symbol.
    nonisolated(unsafe) static let distanceSymbolTable: UnsafePointer<UInt8> = table(distanceSymbols)
    /// Distance symbol → its 5-bit code, its first distance in bits 5-19, and 5 + its extra bit count.
    nonisolated(unsafe) static let distanceTable: UnsafePointer<UInt32> =
        table((0..<30).map { distanceCodes[$0] | UInt32(distanceBase[$0]) << 5 | UInt32(5 + distanceExtra[$0]) << 24 })

    private static func table<T>(_ values: [T]) -> UnsafePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: values.count)
        p.initialize(from: values, count: values.count)
        return UnsafePointer(p)
    }

    /// Distance 1...32768 → its distance symbol.
    static let distanceSymbols: [UInt8] = {
        var t = [UInt8](repeating: 0, count: window + 1)
        var s = 0
        for d in 1...window {
            while s + 1 < distanceBase.count, distanceBase[s + 1] <= d { s += 1 }
            t[d] = UInt8(s)
        }
        return t
    }()
}
