#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel
#endif


/// Numbers the calendar domains rows name (lowercased, as ``ValidatedRow/hostingCheck`` gives
/// them), so that the pipeline keeps a row's domain as a small code instead of a `String`.
///
/// A file names few domains: a row's domain is found by its bytes (``ByteKeyCache``), and a
/// domain is made into a `String` only the first time it is seen (or when it is not ASCII).
struct RecentDomains {
    private var known = ByteKeyCache(foldingASCIICase: true)
    private var codes: [String: Int32] = [:]
    /// The domains by code.
    private(set) var names: [String] = []

    /// The code of the domain of this calendar id (its UTF-8 bytes), or -1 without one.
    mutating func code(utf8: Span<UInt8>) -> Int32 {
        let at = Self.lastAt(utf8)
        guard at >= 0, at + 1 < utf8.count else { return -1 }
        let raw = utf8.extracting((at + 1)...)
        if let code = known.code(for: raw) { return code }
        var text: [UInt8] = []
        text.reserveCapacity(raw.count)
        for j in 0..<raw.count { text.append(raw[j]) }
        let domain = EmailAddress.asciiLowercased(String(decoding: text, as: UTF8.self))
        guard !domain.isEmpty else { return -1 }
        let code: Int32
        if let existing = codes[domain] {
            code = existing
        } else {
            code = Int32(names.count)
            names.append(domain)
            codes[domain] = code
        }
        known.set(code, for: raw)
        return code
    }

    /// Where the last `@` of the bytes is, or -1. From 16 bytes up, 16 at a time from the end with
    /// SSE2 (baseline on x86-64) through bounds-checked `RawSpan` loads inside the bytes (the
    /// first window may overlap bytes already looked at, which hold no `@`): a calendar id's
    /// domain took a byte loop of ~8 instructions a byte.
    @inline(__always)
    static func lastAt(_ utf8: Span<UInt8>) -> Int {
        #if arch(x86_64) && canImport(_Builtin_intrinsics)
        if utf8.count >= 16 {
            let raw = utf8.bytes
            var end = utf8.count
            while true {
                let start = max(end &- 16, 0)
                let v = raw.unsafeLoadUnaligned(fromByteOffset: start, as: __m128i.self)
                let hits = UInt32(truncatingIfNeeded: _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x40))))
                if hits != 0 { return start &+ 31 &- hits.leadingZeroBitCount }
                if start == 0 { return -1 }
                end = start
            }
        }
        #endif
        var at = utf8.count - 1
        while at >= 0 && utf8[at] != 0x40 { at -= 1 }
        return at
    }
}
