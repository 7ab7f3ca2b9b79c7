/// One entry of a ZIP archive's central directory.
public struct ZipEntry: Sendable, Equatable {
    public var name: String
    /// 0 stored, 8 deflated; others are refused when read.
    public var method: Int
    public var flags: Int
    public var crc: UInt32
    public var compressedSize: Int
    public var size: Int
    public var localHeaderOffset: Int
}
