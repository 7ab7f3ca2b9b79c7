#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel

extension EmailAddress {
    /// ``problem(utf8:)``'s one-pass check for an address of 16 to 64 bytes (nearly all of them),
    /// from bit masks of its byte classes (bit k for byte k) found 16 bytes at a time with SSE2
    /// (baseline on x86-64): the same rules as the byte loop (``isValid(_:_:_:)``, which the tests
    /// compare with the ordered checks), in about a tenth of the instructions. `nil` for other
    /// lengths. Reads through `RawSpan` loads, bounds-checked, only inside the address (the last
    /// 16 bytes overlap the ones before). Up to 64 bytes the local part is within its 64 bytes
    /// and every domain label within its 63, so those two limits need no test here.
    static func isValidByMasks(_ p: Span<UInt8>) -> Bool? {
        let n = p.count
        guard n >= 16 && n <= 64 else { return nil }
        let raw = p.bytes
        var at: UInt64 = 0, dot: UInt64 = 0, hyphen: UInt64 = 0, digit: UInt64 = 0
        var localBad: UInt64 = 0, domainGood: UInt64 = 0
        let last = n &- 16
        var offset = 0
        while true {
            let v = raw.unsafeLoadUnaligned(fromByteOffset: offset, as: __m128i.self)
            let shift = UInt64(offset)
            let isAt = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x40))
            let isDot = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x2E))
            let isHyphen = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x2D))
            let isDigit = atMost(_mm_sub_epi8(v, _mm_set1_epi8(0x30)), 9)
            let isLetter = atMost(_mm_sub_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8(0x61)), 25)
            // ASCII a local part cannot hold: controls and space, " ( ) , : ; < > [ \ ] and DEL
            // (`@` is counted apart); bytes from 0x80 up it may hold.
            let bad = _mm_or_si128(
                _mm_or_si128(_mm_or_si128(atMost(v, 0x20), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x22))),
                             _mm_or_si128(atMost(_mm_sub_epi8(v, _mm_set1_epi8(0x28)), 1), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x2C)))),
                _mm_or_si128(_mm_or_si128(atMost(_mm_sub_epi8(v, _mm_set1_epi8(0x3A)), 2), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x3E))),
                             _mm_or_si128(atMost(_mm_sub_epi8(v, _mm_set1_epi8(0x5B)), 2), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)))))
            at |= bits(isAt) &<< shift
            dot |= bits(isDot) &<< shift
            hyphen |= bits(isHyphen) &<< shift
            digit |= bits(isDigit) &<< shift
            localBad |= bits(bad) &<< shift
            domainGood |= bits(_mm_or_si128(_mm_or_si128(isLetter, isDigit), _mm_or_si128(isHyphen, isDot))) &<< shift
            if offset == last { break }
            offset = min(offset &+ 16, last)
        }
        // Shifts below are by less than 64 (offsets and positions inside the address): `&<<`.
        // One @, with 1–63 bytes before it.
        guard at.nonzeroBitCount == 1 else { return false }
        let a = at.trailingZeroBitCount
        guard a > 0 else { return false }
        // The local part: only bytes it may hold, no dot first, last or doubled.
        let local: UInt64 = (1 &<< UInt64(a)) &- 1
        let localDots = dot & local
        guard localBad & local == 0, localDots & 1 == 0, localDots & (1 &<< UInt64(a &- 1)) == 0,
              localDots & (localDots &>> 1) == 0 else { return false }
        // The domain: bytes a + 1 ..< n, letters, digits, hyphens and dots only.
        let first = a &+ 1
        guard first < n else { return false }
        let all: UInt64 = n == 64 ? ~0 : (1 &<< UInt64(n)) &- 1
        let domain = all & ~((1 &<< UInt64(first)) &- 1)
        guard domain & ~domainGood == 0 else { return false }
        // Two labels or more, none empty, none starting or ending with a hyphen.
        let dots = dot & domain
        let startBit: UInt64 = 1 &<< UInt64(first), endBit: UInt64 = 1 &<< UInt64(n &- 1)
        guard dots != 0, dots & (startBit | endBit) == 0, dots & (dots &>> 1) == 0,
              hyphen & domain & (startBit | endBit | dots &<< 1 | dots &>> 1) == 0 else { return false }
        // The last label, the top-level domain, not all digits.
        let lastDot = 63 &- dots.leadingZeroBitCount
        let tld = domain & ~((1 &<< UInt64(lastDot &+ 1)) &- 1)
        return tld & ~digit != 0
    }

    /// Lanes where the byte is at most `limit` (unsigned: SSE2 has no unsigned byte compare).
    @inline(__always)
    private static func atMost(_ v: __m128i, _ limit: Int8) -> __m128i {
        _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(limit)), v)
    }

    /// Bit k set when lane k is set (`pmovmskb`).
    @inline(__always)
    private static func bits(_ m: __m128i) -> UInt64 {
        UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(m)))
    }
}
#endif
