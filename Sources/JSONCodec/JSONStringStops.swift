#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel

/// Where a JSON string's plain run stops, 16 bytes at a time with SSE2 (Clang's builtin
/// intrinsics module, part of the toolchain): the scanner's string search and the writer's
/// escaping both stop at the same bytes.
enum JSONStringStops {
    /// Bit k set when byte k of `v` is a quote, a backslash or a control byte (at most 0x1F:
    /// `min(v, 0x1F) == v`, as SSE2 has no unsigned byte compare).
    @inline(__always)
    static func mask(_ v: __m128i) -> UInt32 {
        let stops = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x22)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x5C))),
            _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v))
        return UInt32(bitPattern: _mm_movemask_epi8(stops))
    }
}
#endif
