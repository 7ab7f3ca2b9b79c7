/// A canonical Huffman code of DEFLATE (RFC 1951 3.2.2), for decoding.
///
/// Codes of up to ``fastBits`` bits are decoded with one lookup in `fast`, indexed by the next
/// bits of the stream (least significant first); longer codes bit by bit with `counts` and
/// `symbols`, as zlib's `puff` does.
struct HuffmanTable {
    static let fastBits = 9
    /// `counts[n]`: how many codes have length n (1...15).
    var counts = [UInt16](repeating: 0, count: 16)
    /// Symbols ordered by code.
    var symbols: [UInt16]
    /// Next `fastBits` bits → `symbol << 4 | length`, or 0 when the code is longer (or invalid).
    var fast = [UInt16](repeating: 0, count: 1 << fastBits)

    /// Builds the code for `lengths` (0: the symbol is unused).
    /// - Throws: when the lengths over-subscribe the code space (no prefix code has them).
    init(lengths: [UInt8]) throws {
        for l in lengths { counts[Int(l)] += 1 }
        counts[0] = 0
        var left = 1
        for n in 1...15 {
            left <<= 1
            left -= Int(counts[n])
            if left < 0 { throw ZipError(entry: "", reason: "the compressed data has an impossible Huffman code") }
        }
        var offsets = [Int](repeating: 0, count: 16)
        for n in 1..<15 { offsets[n + 1] = offsets[n] + Int(counts[n]) }
        symbols = [UInt16](repeating: 0, count: lengths.count)
        for (symbol, l) in lengths.enumerated() where l != 0 {
            symbols[offsets[Int(l)]] = UInt16(symbol)
            offsets[Int(l)] += 1
        }
        // Canonical codes, then the fast table for the short ones.
        var code = 0
        var index = 0
        for n in 1...15 {
            for _ in 0..<Int(counts[n]) {
                if n <= Self.fastBits {
                    var reversed = 0
                    for b in 0..<n where code & (1 << b) != 0 { reversed |= 1 << (n - 1 - b) }
                    var fill = reversed
                    while fill < (1 << Self.fastBits) {
                        fast[fill] = symbols[index] << 4 | UInt16(n)
                        fill += 1 << n
                    }
                }
                code += 1
                index += 1
            }
            code <<= 1
        }
    }
}
