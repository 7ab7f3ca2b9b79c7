/// The 64-bit hash of a journal line's seal (``JournalLineSeal``) and of an input's
/// fingerprint (``InputFingerprint``), since journal version 3.
///
/// Why not FNV-1a, the hash of versions 2 and earlier: FNV-1a takes one multiplication per byte,
/// each waiting for the one before (about three cycles a byte), and an import seals some 700
/// bytes of journal a row and reads its input twice for the fingerprint (issue 17). This reads
/// eight bytes at a time into four independent lanes (an exclusive or, a multiplication by an
/// odd constant and a rotation each), then folds the lanes with the length and mixes the result
/// so that every input bit reaches every output bit (MurmurHash3's 64-bit finalizer). Like
/// FNV-1a it guards against accidents and naive edits, not against someone who recomputes it.
///
/// Streaming: ``combineBlocks(_:)`` takes whole 32-byte blocks, ``finish(_:)`` the rest; any
/// split gives ``hash(_:)``'s value.
struct JournalLineHash {
    private static let k1: UInt64 = 0x9E37_79B9_7F4A_7C15
    private static let k2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let k3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let k4: UInt64 = 0xD6E8_FEB8_6659_FD93

    private var a = k1, b = k2, c = k3, d = k4
    /// Bytes fed so far.
    private var length = 0

    /// The hash of `bytes`.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = JournalLineHash()
        let whole = bytes.count & ~31
        h.combineBlocks(UnsafeRawBufferPointer(rebasing: bytes[..<whole]))
        return h.finish(UnsafeRawBufferPointer(rebasing: bytes[whole...]))
    }

    /// Feeds `bytes`, a whole number of 32-byte blocks (every part of a stream but its last).
    mutating func combineBlocks(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count & 31 == 0, "JournalLineHash takes whole 32-byte blocks before the last part")
        guard let p = bytes.baseAddress else { return }
        let n = bytes.count
        var i = 0
        // Memory safety: every load of eight bytes is at `i + 32 <= n`.
        while i &+ 32 <= n {
            a = Self.lane(a, p.loadUnaligned(fromByteOffset: i, as: UInt64.self), Self.k1)
            b = Self.lane(b, p.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self), Self.k2)
            c = Self.lane(c, p.loadUnaligned(fromByteOffset: i &+ 16, as: UInt64.self), Self.k3)
            d = Self.lane(d, p.loadUnaligned(fromByteOffset: i &+ 24, as: UInt64.self), Self.k4)
            i &+= 32
        }
        length &+= n
    }

    /// Feeds the last part of the stream (any length) and returns the hash.
    mutating func finish(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let n = bytes.count
        let whole = n & ~31
        combineBlocks(UnsafeRawBufferPointer(rebasing: bytes[..<whole]))
        if let p = bytes.baseAddress {
            var i = whole
            // Memory safety: eight-byte loads at `i + 8 <= n`, the tail read byte by byte.
            while i &+ 8 <= n {
                a = Self.lane(a, p.loadUnaligned(fromByteOffset: i, as: UInt64.self), Self.k1)
                (a, b, c, d) = (b, c, d, a)
                i &+= 8
            }
            if i < n {
                // The last one to seven bytes, little-endian, as one word (the length tells them apart).
                var w: UInt64 = 0
                var shift: UInt64 = 0
                while i < n {
                    w |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) &<< shift
                    shift &+= 8
                    i &+= 1
                }
                a = Self.lane(a, w, Self.k1)
            }
        }
        length &+= n - whole
        var h = (a &<< 1 | a &>> 63) ^ (b &<< 7 | b &>> 57) ^ (c &<< 12 | c &>> 52) ^ (d &<< 18 | d &>> 46) ^ UInt64(length)
        h ^= h &>> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h &>> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h &>> 33
        return h
    }

    /// Hex digits of a hash, lower case, 16 of them.
    static func hex(_ value: UInt64) -> [UInt8] {
        let digits: StaticString = "0123456789abcdef"
        return (0..<16).map { digits.utf8Start[Int((value &>> UInt64(60 - 4 * $0)) & 0xF)] }
    }

    @inline(__always)
    private static func lane(_ h: UInt64, _ w: UInt64, _ k: UInt64) -> UInt64 {
        let x = (h ^ w) &* k
        return x &<< 31 | x &>> 33
    }
}
