/// Converts Latin-1 or Windows-1252 bytes to UTF-8.
enum Transcoder {
    /// The code points of cp1252 bytes 0x80–0x9F; undefined bytes keep their C1 code point.
    static let cp1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// The most UTF-8 bytes one input byte can become.
    static let maxExpansion = 3

    /// Transcodes `n` bytes at `src` into `dst` (room for `n * maxExpansion` bytes); returns the bytes written.
    static func transcode(_ src: UnsafePointer<UInt8>, count n: Int, into dst: UnsafeMutablePointer<UInt8>,
                          encoding: CSVTextEncoding) -> Int {
        var o = 0
        for i in 0..<n {
            let b = src[i]
            if b < 0x80 { dst[o] = b; o += 1; continue }
            var cp = UInt32(b)
            if encoding == .windows1252 && b < 0xA0 { cp = UInt32(cp1252High[Int(b - 0x80)]) }
            if cp < 0x800 {
                dst[o] = UInt8(0xC0 | (cp >> 6)); dst[o + 1] = UInt8(0x80 | (cp & 0x3F)); o += 2
            } else {
                dst[o] = UInt8(0xE0 | (cp >> 12)); dst[o + 1] = UInt8(0x80 | ((cp >> 6) & 0x3F))
                dst[o + 2] = UInt8(0x80 | (cp & 0x3F)); o += 3
            }
        }
        return o
    }
}
