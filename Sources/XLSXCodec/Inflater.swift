/// A streaming raw DEFLATE (RFC 1951) decoder with bounded output.
///
/// Compressed bytes are pulled from `input` as needed; output comes out in pieces of about the
/// size asked for (``read(into:atMost:)``), keeping only the last 32 KiB as history, so memory
/// is constant whatever the entry inflates to. More than `limit` bytes of output is an error
/// (a ZIP bomb stops there), as is every malformed stream: bad block type, impossible code,
/// a distance before the start, a stored length that does not match its complement, data
/// that ends early.
public struct Inflater {
    /// Fills the buffer with the next compressed bytes; `false` when there are none left.
    public typealias Input = (inout [UInt8]) throws -> Bool

    private enum State {
        case blockHeader
        case stored(remaining: Int)
        case huffman(literals: HuffmanTable, distances: HuffmanTable)
        case done
    }

    private let input: Input
    private let limit: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var inputEnded = false
    private var bits: UInt64 = 0
    private var bitCount = 0
    private var state = State.blockHeader
    private var lastBlock = false
    /// The last 32 KiB of output, a ring: `window[produced & mask]` is the next byte's slot.
    private var window = [UInt8](repeating: 0, count: 32_768)
    public private(set) var produced = 0

    public init(limit: Int, input: @escaping Input) {
        self.limit = limit
        self.input = input
    }

    /// Whether the final block has been decoded.
    public var isFinished: Bool { if case .done = state { true } else { false } }

    static func error(_ reason: String) -> ZipError { ZipError(entry: "", reason: reason) }

    // MARK: Bits

    /// Tops the bit buffer up to at least 57 bits, or to what is left of the input.
    @inline(__always)
    private mutating func refill() throws {
        while bitCount <= 56 {
            if position == buffer.count {
                if inputEnded { return }
                position = 0
                buffer.removeAll(keepingCapacity: true)
                if try !input(&buffer) || buffer.isEmpty {
                    inputEnded = true
                    buffer.removeAll()
                    return
                }
            }
            bits |= UInt64(buffer[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
    }

    @inline(__always)
    private mutating func take(_ n: Int) throws -> Int {
        if bitCount < n {
            try refill()
            guard bitCount >= n else { throw Self.error("the compressed data ends in the middle of a block") }
        }
        let v = Int(bits & ((1 << UInt64(n)) - 1))
        bits >>= UInt64(n)
        bitCount -= n
        return v
    }

    private mutating func decode(_ table: HuffmanTable) throws -> Int {
        if bitCount < HuffmanTable.fastBits { try refill() }
        if bitCount >= HuffmanTable.fastBits {
            let e = table.fast[Int(bits & UInt64((1 << HuffmanTable.fastBits) - 1))]
            if e != 0 {
                let n = Int(e & 15)
                bits >>= UInt64(n)
                bitCount -= n
                return Int(e >> 4)
            }
        }
        // Bit by bit (puff's decode): codes longer than the fast table, or the last bits of the stream.
        var code = 0, first = 0, index = 0
        for n in 1...15 {
            code |= try take(1)
            let count = Int(table.counts[n])
            if code - count < first { return Int(table.symbols[index + (code - first)]) }
            index += count
            first += count
            first <<= 1
            code <<= 1
        }
        throw Self.error("the compressed data holds a code that its Huffman table does not have")
    }

    // MARK: Blocks

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    static let fixedLiterals = try! HuffmanTable(lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 })
    static let fixedDistances = try! HuffmanTable(lengths: [UInt8](repeating: 5, count: 30))
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private mutating func readBlockHeader() throws {
        lastBlock = try take(1) == 1
        switch try take(2) {
        case 0:
            _ = try take(bitCount % 8) // to a byte boundary
            let length = try take(16), complement = try take(16)
            guard length == ~complement & 0xFFFF else { throw Self.error("a stored block's length does not match its complement") }
            state = .stored(remaining: length)
        case 1:
            state = .huffman(literals: Self.fixedLiterals, distances: Self.fixedDistances)
        case 2:
            let literalCount = try take(5) + 257, distanceCount = try take(5) + 1, codeLengthCount = try take(4) + 4
            guard literalCount <= 286, distanceCount <= 30 else { throw Self.error("a block declares too many codes") }
            var codeLengths = [UInt8](repeating: 0, count: 19)
            for i in 0..<codeLengthCount { codeLengths[Self.codeLengthOrder[i]] = UInt8(try take(3)) }
            let codeLengthTable = try HuffmanTable(lengths: codeLengths)
            var lengths: [UInt8] = []
            lengths.reserveCapacity(literalCount + distanceCount)
            while lengths.count < literalCount + distanceCount {
                let symbol = try decode(codeLengthTable)
                var repeatValue: UInt8 = 0, repeatCount = 0
                switch symbol {
                case 0...15:
                    lengths.append(UInt8(symbol))
                    continue
                case 16:
                    guard let previous = lengths.last else { throw Self.error("a repeat code with nothing to repeat") }
                    repeatValue = previous
                    repeatCount = 3 + (try take(2))
                case 17: repeatCount = 3 + (try take(3))
                default: repeatCount = 11 + (try take(7))
                }
                guard lengths.count + repeatCount <= literalCount + distanceCount else {
                    throw Self.error("code lengths run past the table")
                }
                lengths.append(contentsOf: repeatElement(repeatValue, count: repeatCount))
            }
            guard lengths[256] != 0 else { throw Self.error("a block without an end-of-block code") }
            state = .huffman(literals: try HuffmanTable(lengths: Array(lengths[0..<literalCount])),
                             distances: try HuffmanTable(lengths: Array(lengths[literalCount...])))
        default:
            throw Self.error("a block of the reserved type 3")
        }
    }

    @inline(__always)
    private mutating func emit(_ byte: UInt8, _ out: inout [UInt8]) {
        window[produced & 0x7FFF] = byte
        produced += 1
        out.append(byte)
    }

    /// Appends about `atMost` more bytes of output to `out` (a match may add up to 257 more).
    /// Returns `false`, appending nothing, once the stream has ended.
    /// - Throws: ``ZipError`` (without an entry name) for malformed data or output beyond the limit.
    public mutating func read(into out: inout [UInt8], atMost: Int) throws -> Bool {
        let start = out.count
        while out.count - start < atMost {
            switch state {
            case .done:
                return out.count > start
            case .blockHeader:
                try readBlockHeader()
            case let .stored(remaining):
                if remaining == 0 {
                    state = lastBlock ? .done : .blockHeader
                    continue
                }
                let n = min(remaining, atMost - (out.count - start))
                for _ in 0..<n { emit(UInt8(try take(8)), &out) }
                state = .stored(remaining: remaining - n)
            case let .huffman(literals, distances):
                while out.count - start < atMost {
                    let symbol = try decode(literals)
                    if symbol < 256 {
                        emit(UInt8(symbol), &out)
                    } else if symbol == 256 {
                        state = lastBlock ? .done : .blockHeader
                        break
                    } else {
                        let s = symbol - 257
                        guard s < 29 else { throw Self.error("an invalid length code") }
                        let length = Self.lengthBase[s] + (try take(Self.lengthExtra[s]))
                        let d = try decode(distances)
                        guard d < 30 else { throw Self.error("an invalid distance code") }
                        let distance = Self.distanceBase[d] + (try take(Self.distanceExtra[d]))
                        guard distance <= produced else { throw Self.error("a match reaches back before the start of the data") }
                        for _ in 0..<length { emit(window[(produced - distance) & 0x7FFF], &out) }
                    }
                }
            }
            if produced > limit { throw Self.error("inflates to more than \(limit) bytes") }
        }
        return true
    }
}
