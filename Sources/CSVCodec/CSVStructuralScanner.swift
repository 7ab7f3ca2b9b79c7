#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel
#endif

/// Classifies a block's bytes 64 at a time into bit masks, so that ``CSVReader`` finds the bytes
/// its state machine must look at (quotes, delimiters, line ends, NUL) with trailing-zero counts
/// instead of looking at every byte (issue 17).
///
/// A window is the 64 bytes at a multiple of 64 from the start of the reader's input buffer. For it,
/// SIMD16 compares (SSE2 on x86_64, NEON on arm64) give two masks, bit k for byte k:
/// - ``special``: the byte is the delimiter, a quote or below 0x0E (CR, LF, NUL, and controls that
///   are data but rare enough to leave to the byte-wise path); the reader tells which by looking
///   at the byte, which costs less than a second mask;
/// - ``high``: the byte is 0x80 or above, so the field holding it needs UTF-8 validation.
///
/// Swift's SIMD types have no movemask. On x86_64 the compare results become bits with SSE2's
/// `pmovmskb` (`_mm_movemask_epi8` from Clang's builtin intrinsics module, part of the toolchain;
/// SSE2 is in every x86_64 CPU, so no target flag is needed). Elsewhere each 64-bit half is masked
/// to one bit per byte and the eight bits gathered with one multiply (see ``gather(_:shift:)``); a
/// loop over the lanes compiles to a chain of selects, and `pointwiseMin` or a compare against an
/// untyped `SIMD16(repeating:)` literal to calls or per-lane loops (BENCHMARKS.md, "SIMD CSV
/// (issue 17)").
///
/// Invariants (the pointer-level contract; the fuzzer runs it under AddressSanitizer):
/// - ``load(_:window:)`` reads the 64 bytes of its window: the reader's input buffer has
///   ``padding`` initialized bytes after its capacity, and windows are only loaded for positions
///   up to the block's end (which is at most the capacity), so a window never reaches past the
///   padding. Bits for bytes at or past the block's end (stale or padding bytes) are never acted
///   on: every user masks them off or caps at the end.
/// - A window's masks describe the buffer as it was when loaded: the reader calls ``invalidate()``
///   whenever the buffer's contents change (refill, or bytes moved to make room).
/// - ``copy(_:_:_:)`` reads and writes up to 32 bytes past its count (32 when the count is 0):
///   the source starts at or before the block's end (so it stays within the padding) and the
///   destination, the reader's field buffer, has 32 spare bytes.
struct CSVStructuralScanner {
    /// Readable bytes the input buffer must have after its capacity.
    static let padding = 64

    private let delimiterLanes: SIMD16<UInt8>
    // Spelled with their type: `v .== SIMD16(repeating: 0x22)` picks a generic overload that
    // compiles to a loop over the lanes.
    private let quoteLanes = SIMD16<UInt8>(repeating: 0x22)
    private let lowLanes = SIMD16<UInt8>(repeating: 0x0E)

    /// Index of the loaded window's first byte (a multiple of 64), or `Int.min` when none is loaded.
    private(set) var window = Int.min
    private(set) var special: UInt64 = 0
    private(set) var high: UInt64 = 0

    init(delimiter: UInt8) {
        delimiterLanes = SIMD16(repeating: delimiter)
    }

    /// Forgets the loaded window (its bytes changed).
    mutating func invalidate() {
        window = Int.min
    }

    /// Makes the window holding `i` the loaded one.
    @inline(__always)
    mutating func ensure(_ p: UnsafePointer<UInt8>, holding i: Int) {
        let w = i & ~63
        if w != window { load(p, window: w) }
    }

    /// The index of the first byte at or after `i` that is special, or `end` when
    /// there is none before it; sets `sawHigh` when a byte in `i..<result` is 0x80 or above.
    /// Requires `i < end`.
    @inline(__always)
    mutating func next(_ p: UnsafePointer<UInt8>, from i: Int, end: Int, sawHigh: inout Bool) -> Int {
        var i = i
        while true {
            ensure(p, holding: i)
            let rel = UInt64(truncatingIfNeeded: i &- window)
            let m = special &>> rel
            let h = high &>> rel
            if m != 0 {
                let k = m.trailingZeroBitCount
                let j = i &+ k
                if j < end {
                    if h != 0 && h & ((1 &<< UInt64(truncatingIfNeeded: k)) &- 1) != 0 { sawHigh = true }
                    return j
                }
            }
            let windowEnd = window &+ 64
            if windowEnd >= end {
                // The block ends in this window: only bytes before `end` count.
                if h != 0 && h & (UInt64.max >> (64 - (end - i))) != 0 { sawHigh = true }
                return end
            }
            if h != 0 { sawHigh = true }
            i = windowEnd
        }
    }

    /// Computes the masks of the 64 bytes at `p + w`.
    @inline(__always)
    mutating func load(_ p: UnsafePointer<UInt8>, window w: Int) {
        let r = UnsafeRawPointer(p + w)
        #if arch(x86_64) && canImport(_Builtin_intrinsics)
        let v0 = r.loadUnaligned(fromByteOffset: 0, as: __m128i.self)
        let v1 = r.loadUnaligned(fromByteOffset: 16, as: __m128i.self)
        let v2 = r.loadUnaligned(fromByteOffset: 32, as: __m128i.self)
        let v3 = r.loadUnaligned(fromByteOffset: 48, as: __m128i.self)
        let d = unsafeBitCast(delimiterLanes, to: __m128i.self)
        window = w
        special = Self.specialBits(v0, d) | Self.specialBits(v1, d) &<< 16
            | Self.specialBits(v2, d) &<< 32 | Self.specialBits(v3, d) &<< 48
        // Most windows are ASCII: one movemask instead of four.
        if _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(v0, v1), _mm_or_si128(v2, v3))) == 0 {
            high = 0
        } else {
            high = Self.movemask(v0) | Self.movemask(v1) &<< 16 | Self.movemask(v2) &<< 32 | Self.movemask(v3) &<< 48
        }
        #else
        let v0 = r.loadUnaligned(fromByteOffset: 0, as: SIMD16<UInt8>.self)
        let v1 = r.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)
        let v2 = r.loadUnaligned(fromByteOffset: 32, as: SIMD16<UInt8>.self)
        let v3 = r.loadUnaligned(fromByteOffset: 48, as: SIMD16<UInt8>.self)
        window = w
        special = Self.bits(specialLanes(v0)) | Self.bits(specialLanes(v1)) &<< 16
            | Self.bits(specialLanes(v2)) &<< 32 | Self.bits(specialLanes(v3)) &<< 48
        // Most windows are ASCII: one test instead of four gathers.
        let any = unsafeBitCast(v0 | v1 | v2 | v3, to: SIMD2<UInt64>.self)
        if (any[0] | any[1]) & 0x8080_8080_8080_8080 == 0 {
            high = 0
        } else {
            high = Self.highBits(v0) | Self.highBits(v1) &<< 16 | Self.highBits(v2) &<< 32 | Self.highBits(v3) &<< 48
        }
        #endif
    }

    #if arch(x86_64) && canImport(_Builtin_intrinsics)
    /// Bit k set when byte k of `v` is the delimiter (`d` in every lane), a quote or at most 0x0D
    /// (`min(v, 0x0D) == v`: SSE2 has no unsigned byte compare, and this costs two instructions).
    @inline(__always)
    private static func specialBits(_ v: __m128i, _ d: __m128i) -> UInt64 {
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x22))
        let delimiter = _mm_cmpeq_epi8(v, d)
        let low = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x0D)), v)
        return movemask(_mm_or_si128(_mm_or_si128(quote, delimiter), low))
    }

    /// Bit k set when byte k of `v` has bit 7 set (SSE2's `pmovmskb`).
    @inline(__always)
    private static func movemask(_ v: __m128i) -> UInt64 {
        UInt64(truncatingIfNeeded: UInt32(bitPattern: _mm_movemask_epi8(v)))
    }
    #endif

    /// Lanes of `v` holding the delimiter, a quote or a byte below 0x0E.
    @inline(__always)
    private func specialLanes(_ v: SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>> {
        (v .< lowLanes) .| (v .== quoteLanes) .| (v .== delimiterLanes)
    }

    /// Bit k set when lane k of `mask` is set (lanes are 0x00 or 0xFF).
    @inline(__always)
    static func bits(_ mask: SIMDMask<SIMD16<Int8>>) -> UInt64 {
        #if arch(x86_64) && canImport(_Builtin_intrinsics)
        // SSE2's `pmovmskb`: bit k is the top bit of byte k.
        return UInt64(truncatingIfNeeded: UInt32(bitPattern: _mm_movemask_epi8(unsafeBitCast(mask, to: __m128i.self))))
        #else
        return gather(unsafeBitCast(mask, to: SIMD2<UInt64>.self), shift: 0)
        #endif
    }

    /// Bit k set when byte k of `v` has bit 7 set.
    @inline(__always)
    static func highBits(_ v: SIMD16<UInt8>) -> UInt64 {
        #if arch(x86_64) && canImport(_Builtin_intrinsics)
        return UInt64(truncatingIfNeeded: UInt32(bitPattern: _mm_movemask_epi8(unsafeBitCast(v, to: __m128i.self))))
        #else
        return gather(unsafeBitCast(v, to: SIMD2<UInt64>.self), shift: 7)
        #endif
    }

    /// The portable movemask: bit `shift` of each byte of the two 64-bit halves, masked to one bit
    /// per byte, then one multiply moves bit 8j to bit 56 + j (the partial products never
    /// overlap, so nothing carries into the top byte).
    @inline(__always)
    static func gather(_ x: SIMD2<UInt64>, shift: UInt64) -> UInt64 {
        let lo = (((x[0] &>> shift) & 0x0101_0101_0101_0101) &* 0x0102_0408_1020_4080) &>> 56
        let hi = (((x[1] &>> shift) & 0x0101_0101_0101_0101) &* 0x0102_0408_1020_4080) &>> 56
        return lo | hi &<< 8
    }

    /// Copies `count` bytes 16 at a time, the first 32 unconditionally: most fields are shorter,
    /// and a branch on the length would be mispredicted on a third of them (e-mail addresses);
    /// reads and writes up to 32 bytes past them (see the invariants).
    @inline(__always)
    static func copy(_ src: UnsafePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>, _ count: Int) {
        let s = UnsafeRawPointer(src), d = UnsafeMutableRawPointer(dst)
        d.storeBytes(of: s.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
        d.storeBytes(of: s.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), toByteOffset: 16, as: SIMD16<UInt8>.self)
        var k = 32
        while k < count {
            let v = UnsafeRawPointer(src + k).loadUnaligned(as: SIMD16<UInt8>.self)
            UnsafeMutableRawPointer(dst + k).storeBytes(of: v, as: SIMD16<UInt8>.self)
            k &+= 16
        }
    }
}
