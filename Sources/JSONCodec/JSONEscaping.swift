#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel
#endif

/// Appends a string as a JSON string literal: the one escaping of the project's hand-written JSON
/// (request bodies, journal lines, report lines), so all of them write the same bytes.
///
/// Escapes `"` and `\` with a backslash, `\n` `\r` `\t` by name, the other control characters
/// below U+0020 as `\u00XX` (lower-case hex); everything else, `/` and U+007F included, as it is.
///
/// Most values need no escape: the search for the next byte that does goes eight bytes at a time
/// (memory safety: a word is loaded only at `i + 8 <= count`, inside the string's own UTF-8
/// buffer), and the runs between escapes are copied whole.
public enum JSONEscaping {
    /// Appends `"…"` for `value` to `out`.
    public static func append(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = value
        text.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else { return }
            let n = utf8.count
            var runStart = 0
            var i = 0
            while true {
                i = nextSpecial(base, n, from: i)
                if i >= n { break }
                out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
                appendEscape(base[i], to: &out)
                i += 1
                runStart = i
            }
            out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: n - runStart))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// The index of the first byte at or after `from` that needs an escape, or `n`.
    @inline(__always)
    static func nextSpecial(_ base: UnsafePointer<UInt8>, _ n: Int, from: Int) -> Int {
        var i = from
        #if arch(x86_64) && canImport(_Builtin_intrinsics)
        // Sixteen bytes at a time with SSE2 (as JSONScanner and CSVCodec; a vector is loaded only
        // at `i + 16 <= n`, inside the string's buffer): the journal's and bodies' long values
        // (authorization links) are most of their bytes (issue 17).
        while i + 16 <= n {
            let hit = JSONStringStops.mask(UnsafeRawPointer(base + i).loadUnaligned(as: __m128i.self))
            if hit != 0 { return i + hit.trailingZeroBitCount }
            i += 16
        }
        #endif
        let ones: UInt64 = 0x0101_0101_0101_0101
        let tops: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let q = w ^ (ones &* 0x22)
            let bs = w ^ (ones &* 0x5C)
            // Flags quote, backslash and bytes below 0x20; the lowest flag is always a real one.
            let hit = ((q &- ones) & ~q | (bs &- ones) & ~bs | (w &- ones &* 0x20) & ~w) & tops
            if hit != 0 { return i + hit.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < n {
            let b = base[i]
            if b == 0x22 || b == 0x5C || b < 0x20 { return i }
            i += 1
        }
        return n
    }

    private static func appendEscape(_ b: UInt8, to out: inout [UInt8]) {
        var written: (UInt64, UInt64) = (0, 0)
        let length = withUnsafeMutableBytes(of: &written) { escape(b, into: $0) }
        withUnsafeBytes(of: &written) { out.append(contentsOf: $0.prefix(length)) }
    }

    /// Writes the escape of `b`, a byte ``nextSpecial(_:_:from:)`` stopped at, to the start of
    /// `out` (which has room for six bytes); its length.
    @inline(__always)
    static func escape(_ b: UInt8, into out: UnsafeMutableRawBufferPointer) -> Int {
        out[0] = 0x5C
        switch b {
        case 0x22, 0x5C: out[1] = b
        case 0x0A: out[1] = UInt8(ascii: "n")
        case 0x0D: out[1] = UInt8(ascii: "r")
        case 0x09: out[1] = UInt8(ascii: "t")
        default:
            let hex: StaticString = "0123456789abcdef"
            let h = hex.utf8Start
            out[1] = UInt8(ascii: "u")
            out[2] = 0x30
            out[3] = 0x30
            out[4] = h[Int(b >> 4)]
            out[5] = h[Int(b & 15)]
            return 6
        }
        return 2
    }
}
