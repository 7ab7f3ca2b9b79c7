/// Anything the reader can pull bytes from: a file, a pipe, a socket, or a test feeding odd-sized blocks.
public protocol CSVByteSource {
    /// Fills the start of `buffer` with the next bytes and returns how many; 0 means end of input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}
