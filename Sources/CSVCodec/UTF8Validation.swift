/// UTF-8 validation of field bytes, with an 8-bytes-at-a-time ASCII fast path.
enum UTF8Validation {
    /// Returns the index of the first byte of the first invalid sequence, or nil when all is valid UTF-8
    /// (no overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequences).
    /// Reads up to 7 bytes past `p + n` (whose values never matter): the caller's buffer must have
    /// them allocated, as ``CSVReader``'s field buffer has 32 spare bytes after a record's.
    static func firstInvalid(_ p: UnsafePointer<UInt8>, count n: Int) -> Int? {
        var i = 0
        while i < n {
            // Skip ASCII 8 bytes at a time, and the ASCII bytes before the first that is not
            // (most non-ASCII fields are short names with one such letter: no byte-wise walk to it).
            while true {
                var w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                let left = n &- i
                if left < 8 { w &= (1 &<< UInt64(truncatingIfNeeded: left &* 8)) &- 1 } // only bytes before `n`
                let high = w & 0x8080_8080_8080_8080
                if high != 0 {
                    i &+= high.trailingZeroBitCount &>> 3 // little-endian: byte k is bits 8k..<8k+8
                    break
                }
                if left <= 8 { return nil }
                i &+= 8
            }
            if i >= n { break }
            let b0 = p[i]
            if b0 < 0x80 { i += 1; continue }
            let len: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: len = 2
            case 0xE0: len = 3; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: len = 3
            case 0xED: len = 3; hi = 0x9F
            case 0xF0: len = 4; lo = 0x90
            case 0xF1...0xF3: len = 4
            case 0xF4: len = 4; hi = 0x8F
            default: return i
            }
            if i + len > n { return i }
            let b1 = p[i + 1]
            if b1 < lo || b1 > hi { return i }
            if len >= 3 && p[i + 2] & 0xC0 != 0x80 { return i }
            if len == 4 && p[i + 3] & 0xC0 != 0x80 { return i }
            i += len
        }
        return nil
    }
}
