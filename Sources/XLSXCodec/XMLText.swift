#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel
#endif

/// Escaping text into XML 1.0 character data and attribute values.
public enum XMLText {
    /// Appends `text` escaped for element content or a double-quoted attribute: `&` `<` `>` `"` as
    /// entities, CR as `&#13;` (a parser would turn a raw CR into LF), and the characters XML 1.0
    /// forbids (C0 controls other than tab, LF, CR; U+FFFE, U+FFFF) dropped, since no parser
    /// would read a workbook holding them.
    public static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { append(utf8: UnsafeBufferPointer(start: $0.baseAddress, count: $0.count), to: &out) }
    }

    /// ``append(_:to:)`` for UTF-8 bytes (valid UTF-8, as a Swift `String` holds).
    public static func append(utf8 s: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var i = 0
        let n = s.count
        var start = 0
        while i < n {
            let b = s[i]
            let replacement: StaticString?
            var skip = 1
            switch b {
            case 0x26: replacement = "&amp;"
            case 0x3C: replacement = "&lt;"
            case 0x3E: replacement = "&gt;"
            case 0x22: replacement = "&quot;"
            case 0x0D: replacement = "&#13;"
            case 0x09, 0x0A: i += 1; continue
            case 0..<0x20: replacement = ""
            case 0xEF where i + 2 < n && s[i + 1] == 0xBF && (s[i + 2] == 0xBE || s[i + 2] == 0xBF):
                replacement = ""
                skip = 3
            default: i += 1; continue
            }
            if i > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[start..<i])) }
            if let r = replacement, r.utf8CodeUnitCount > 0 {
                out.append(contentsOf: UnsafeBufferPointer(start: r.utf8Start, count: r.utf8CodeUnitCount))
            }
            i += skip
            start = i
        }
        if n > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[start..<n])) }
    }

    /// Whether ``append(utf8:to:)`` would copy `s` unchanged: no byte below 0x20, no `&` `<` `>`
    /// `"`, and no 0xEF (which may start U+FFFE or U+FFFF). Then the bytes can be appended in
    /// one copy; otherwise (rare in names and addresses) the escaping path takes them.
    ///
    /// Eight bytes at a time: each test is exact as a yes/no for the word (the classic "has a
    /// byte less than / equal to" bit tricks, valid for bounds up to 0x80). Invariant: words are
    /// read at `i` only while `i + 8 <= s.count`, then once at `s.count - 8` (when `s.count >= 8`;
    /// shorter text byte by byte), so no read leaves `s`.
    public static func isPlain(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = s.baseAddress else { return true }
        let n = s.count
        #if arch(x86_64) && canImport(_Builtin_intrinsics)
        if n >= 16 {
            // Sixteen bytes at a time with SSE2 (addresses and links are mostly longer than 16),
            // the last as the 16 ending at `n`; reads stay inside `s` as below.
            var i = 0
            while i &+ 16 <= n {
                if hasSpecial(UnsafeRawPointer(p + i).loadUnaligned(as: __m128i.self)) { return false }
                i &+= 16
            }
            return i == n || !hasSpecial(UnsafeRawPointer(p + n - 16).loadUnaligned(as: __m128i.self))
        }
        #endif
        guard n >= 8 else {
            for i in 0..<n {
                let b = p[i]
                if b < 0x20 || b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0xEF { return false }
            }
            return true
        }
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        /// The high bit of some byte set when `v` has a byte equal to `b` (exact as a yes/no).
        @inline(__always) func equal(_ v: UInt64, _ b: UInt8) -> UInt64 {
            let x = v ^ (ones &* UInt64(b))
            return (x &- ones) & ~x
        }
        /// Whether the word holds a byte to escape: below 0x20, `"` `&` `<` `>`, or 0xEF.
        @inline(__always) func special(_ v: UInt64) -> Bool {
            let low = (v &- ones &* 0x20) & ~v // a byte below 0x20
            let marks = equal(v, 0x22) | equal(v, 0x26) | equal(v, 0x3C) | equal(v, 0x3E)
            if (low | marks) & highs != 0 { return true }
            return v & highs != 0 && equal(v, 0xEF) & highs != 0
        }
        var i = 0
        while i &+ 8 <= n {
            if special(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) { return false }
            i &+= 8
        }
        // The last bytes as the word ending at `n` (overlapping the one before: a yes/no, so
        // looking at some bytes twice changes nothing).
        return i == n || !special(UnsafeRawPointer(p + n - 8).loadUnaligned(as: UInt64.self))
    }

    #if arch(x86_64) && canImport(_Builtin_intrinsics)
    /// Whether the 16 bytes hold one to escape: at most 0x1F (`min(v, 0x1F) == v`), `"` `&` `<`
    /// `>`, or 0xEF.
    @inline(__always)
    private static func hasSpecial(_ v: __m128i) -> Bool {
        let low = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v)
        let marks = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x22)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x26))),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x3C)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x3E))))
        let ef = _mm_cmpeq_epi8(v, _mm_set1_epi8(Int8(bitPattern: 0xEF)))
        return _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(low, marks), ef)) != 0
    }
    #endif

    /// `text` escaped, as a String (for small parts such as the workbook).
    public static func escaped(_ text: String) -> String {
        var out: [UInt8] = []
        append(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
