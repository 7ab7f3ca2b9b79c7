import CSVCodec

/// Feeds bytes to a reader in blocks of a fixed size, to put block boundaries everywhere.
struct ChunkedSource: CSVByteSource {
    let bytes: [UInt8]
    let chunk: Int
    var offset = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(chunk, buffer.count, bytes.count - offset)
        if n <= 0 { return 0 }
        for k in 0..<n { buffer[k] = bytes[offset + k] }
        offset += n
        return n
    }
}
