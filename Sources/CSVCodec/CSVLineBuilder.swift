#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel
#endif

/// An output buffer for CSV lines built field by field from borrowed bytes (`Span<UInt8>`), for
/// the hot paths of the stages (the validate report): the pointer-level encoding lives here, in
/// the codec, so the stages hand over `Span`s and never touch a pointer (issue 11).
///
/// Encodes fields exactly as ``CSVWriter`` does with `,` as delimiter and `spreadsheetSafe`:
/// quoted when a field holds `,` `"` CR or LF, quotes doubled, a `'` in front of a guarded field
/// starting with `=` `+` `-` `@` TAB or CR. Line ends are the caller's (``raw(_:)``,
/// ``emptyFieldsAndLineEnd(_:)``). Written to a file descriptor in writes of about 1 MiB, or kept
/// in memory (``init()``, ``bytes``) for tests and the fuzz target (Fuzz/CSVLineBuilderFuzz.swift).
///
/// Invariants (each relied on by the unchecked stores below):
/// 1. `count <= capacity`, and `base` holds `capacity` allocated bytes, the first `count` initialized.
/// 2. Every append first calls ``reserve(_:)`` with the most it can write **plus 8**: the word-wide
///    copy of a field writes up to 7 bytes past the field's end, so that slack must be allocated
///    (``field(_:guardFormula:)`` reserves `2 n + 12`: `,` + `'` + 2 quotes + `n` doubled + 8).
/// 3. Source bytes are read only inside `Span.withUnsafeBufferPointer` and only at offsets
///    `< span.count` (the tail of a field is gathered byte by byte, never loaded as a word).
/// 4. The buffer is owned by this object alone (not `Sendable`, never shared) and freed in `deinit`.
public final class CSVLineBuilder {
    @usableFromInline let fd: Int32
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    /// Bytes buffered and not yet written out.
    public var count: Int { _count }
    @usableFromInline var _count = 0
    /// In-memory mode: what ``flush()`` moved out of the buffer.
    @usableFromInline var kept: [UInt8] = []
    /// "00" "01" … "99", for ``number(_:first:)``.
    @usableFromInline let pairs: UnsafeMutablePointer<UInt8>
    @usableFromInline static var flushAt: Int { 1 << 20 }

    @usableFromInline static var ones: UInt64 { 0x0101_0101_0101_0101 }
    @usableFromInline static var highs: UInt64 { 0x8080_8080_8080_8080 }

    /// Writes to `fileDescriptor` (which the caller owns and closes).
    public init(fileDescriptor: Int32) {
        fd = fileDescriptor
        capacity = Self.flushAt + (1 << 16)
        base = .allocate(capacity: capacity)
        pairs = .allocate(capacity: 200)
        for i in 0..<100 {
            pairs[2 * i] = UInt8(0x30 + i / 10)
            pairs[2 * i + 1] = UInt8(0x30 + i % 10)
        }
    }

    /// Keeps the output in memory (``bytes``).
    public convenience init() { self.init(fileDescriptor: -1) }

    deinit {
        base.deallocate()
        pairs.deallocate()
    }

    /// In-memory mode: everything appended so far.
    public var bytes: [UInt8] { kept + Array(UnsafeBufferPointer(start: base, count: _count)) }

    /// Makes room for `n` more bytes, writing out what is buffered when past 1 MiB (invariant 1).
    @inlinable @inline(__always)
    public func reserve(_ n: Int) throws {
        if _count + n > capacity || _count >= Self.flushAt { try makeRoom(n) }
    }

    @usableFromInline @inline(never)
    func makeRoom(_ n: Int) throws {
        try flush()
        if n > capacity {
            base.deallocate()
            capacity = n + (1 << 16)
            base = .allocate(capacity: capacity)
        }
    }

    /// Writes out everything buffered (in memory mode: moves it to ``bytes``). Throws a
    /// ``CSVError`` of kind `.io` when the descriptor refuses the bytes.
    public func flush() throws {
        if fd < 0 {
            kept.append(contentsOf: UnsafeBufferPointer(start: base, count: _count))
            _count = 0
            return
        }
        var done = 0
        while done < _count {
            let n = write(fd, base + done, _count - done)
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw CSVError(kind: .io("cannot write output: \(String(cString: strerror(code)))"),
                               position: CSVPosition(record: 0, line: 0, column: 0, byteOffset: 0))
            }
            done += n
        }
        _count = 0
    }

    /// Whether the word holds a byte equal to `lanes`' byte (exact, as a yes/no).
    @inlinable @inline(__always)
    static func hasByte(_ v: UInt64, _ lanes: UInt64) -> Bool {
        let x = v ^ lanes
        return (x &- ones) & ~x & highs != 0
    }

    /// ``hasByte(_:_:)`` restricted to the bytes `mask` covers (whole bytes, the low ones).
    @inlinable @inline(__always)
    static func hasByteIn(_ v: UInt64, _ lanes: UInt64, _ mask: UInt64) -> Bool {
        let x = (v ^ lanes) | ~mask // bytes outside the mask never match
        return (x &- ones) & ~x & highs != 0
    }

    /// Appends `,` and the field, guarded against formulas when `guardFormula`.
    ///
    /// The usual field (nothing to quote) is copied eight bytes at a time while it is scanned for
    /// the bytes that need quoting, without a `memmove` call; the buffer always has the slack for
    /// the last word's overshoot (invariant 2). A field that needs quotes is then written again,
    /// byte by byte.
    @inlinable @inline(__always)
    public func field(_ f: Span<UInt8>, guardFormula: Bool = true) throws {
        try f.withUnsafeBufferPointer { try field(unchecked: $0, guardFormula: guardFormula) }
    }

    /// Appends `,` and the field (a String's UTF-8, read in place).
    @inlinable @inline(__always)
    public func field(_ s: String, guardFormula: Bool = true) throws {
        try field(s.utf8.span, guardFormula: guardFormula)
    }

    @inlinable @inline(__always)
    func field(unchecked f: UnsafeBufferPointer<UInt8>, guardFormula: Bool) throws {
        let n = f.count
        try reserve(2 * n + 12)
        var o = base + _count
        o[0] = 0x2C
        o += 1
        guard n > 0, let p = f.baseAddress else {
            _count = o - base
            return
        }
        var prefix = false
        if guardFormula {
            switch p[0] {
            case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D: prefix = true
            default: break
            }
        }
        if prefix {
            o[0] = 0x27
            o += 1
        }
        if !Self.copyUnlessQuoting(p, n, to: o) {
            _count = o + n - base
            return
        }
        // Quoted: `"`, the guard, the bytes with each `"` doubled, `"`.
        o = base + _count + 1
        o[0] = 0x22
        o += 1
        if prefix {
            o[0] = 0x27
            o += 1
        }
        for j in 0..<n {
            let b = p[j]
            o[0] = b
            o += 1
            if b == 0x22 {
                o[0] = 0x22
                o += 1
            }
        }
        o[0] = 0x22
        o += 1
        _count = o - base
    }

    /// Copies `n` bytes from `p` to `o` (writing up to 7 bytes past them: invariant 2) and says
    /// whether they hold `,` `"` CR or LF (the field must then be quoted; what was copied is to be
    /// overwritten). Reads no byte of `p` at or past `n` (invariant 3).
    ///
    /// A word is tested first for any byte below `-` (0x2D): the four bytes that need quotes are
    /// all below it, and addresses and ids rarely hold one, so most words cost one test instead of
    /// four. A field of 8 bytes or more ends with the word of its last 8 bytes (overlapping the
    /// word before; those bytes are written twice, with the same values) instead of gathering its
    /// tail byte by byte. On x86-64, fields of 8 bytes or more are tested with SSE2 instead
    /// (``copyUnlessQuoting8(_:_:to:)``, ``copyUnlessQuoting16(_:_:to:)``).
    @inlinable @inline(__always)
    static func copyUnlessQuoting(_ p: UnsafePointer<UInt8>, _ n: Int, to o: UnsafeMutablePointer<UInt8>) -> Bool {
        #if arch(x86_64) && canImport(_Builtin_intrinsics)
        if n >= 16 { return copyUnlessQuoting16(p, n, to: o) }
        if n >= 8 { return copyUnlessQuoting8(p, n, to: o) }
        #endif
        let raw = UnsafeMutableRawPointer(o)
        var i = 0
        var found = false
        while i &+ 8 <= n {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            raw.storeBytes(of: v, toByteOffset: i, as: UInt64.self)
            found = found || needsQuotes(v)
            i &+= 8
        }
        if i < n {
            if n >= 8 {
                // The last 8 bytes of the field, all inside it (n - 8 >= 0).
                let v = UnsafeRawPointer(p + (n &- 8)).loadUnaligned(as: UInt64.self)
                raw.storeBytes(of: v, toByteOffset: n &- 8, as: UInt64.self)
                return found || needsQuotes(v)
            }
            // A short field, gathered into one word (the source may end right after the field).
            var v: UInt64 = 0
            var j = n &- 1
            while j >= i {
                v = v << 8 | UInt64(p[j])
                j &-= 1
            }
            raw.storeBytes(of: UInt64(littleEndian: v), toByteOffset: i, as: UInt64.self)
            let k = UInt64(n &- i) &* 8 // the bytes past the tail are 0: no false match on them
            let lanes = k == 64 ? ~UInt64(0) : (UInt64(1) << k) &- 1
            let x = v
            found = found || hasByteIn(x, ones &* 0x2C, lanes) || hasByteIn(x, ones &* 0x22, lanes)
                || hasByteIn(x, ones &* 0x0D, lanes) || hasByteIn(x, ones &* 0x0A, lanes)
        }
        return found
    }

    /// Whether the word holds `,` `"` CR or LF (exact). Any of them is below 0x2D: a word with
    /// no byte below 0x2D is answered by one test (`(v - 0x2D…) & ~v & 0x80…` is non-zero when a
    /// byte is below 0x2D, and may be for a byte above one that is: then the exact tests decide).
    #if arch(x86_64) && canImport(_Builtin_intrinsics)
    /// ``copyUnlessQuoting(_:_:to:)`` for a field of 16 bytes or more, 16 at a time with SSE2
    /// (baseline on x86-64), the last 16 overlapping the ones before (written twice, with the same
    /// values): reads and writes only bytes `0 ..< n` (invariant 3), the test is exact per byte.
    @inlinable @inline(__always)
    static func copyUnlessQuoting16(_ p: UnsafePointer<UInt8>, _ n: Int, to o: UnsafeMutablePointer<UInt8>) -> Bool {
        let src = UnsafeRawPointer(p), dst = UnsafeMutableRawPointer(o)
        let last = n &- 16
        var special: Int32 = 0
        var at = 0
        while true {
            let v = src.loadUnaligned(fromByteOffset: at, as: __m128i.self)
            dst.storeBytes(of: v, toByteOffset: at, as: __m128i.self)
            let hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x2C)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x22))),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x0D)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x0A))))
            special |= _mm_movemask_epi8(hit)
            if at == last { return special != 0 }
            at = min(at &+ 16, last)
        }
    }

    /// ``copyUnlessQuoting(_:_:to:)`` for a field of 8 to 15 bytes (a name, a short id): its first
    /// and last eight bytes (overlapping; the shared bytes written twice, with the same values),
    /// tested together in one SSE2 register, exact per byte. Reads and writes only bytes `0 ..< n`
    /// (invariant 3). The word-wide test took four exact tests for most such fields, a name's
    /// space being below `-`.
    @inlinable @inline(__always)
    static func copyUnlessQuoting8(_ p: UnsafePointer<UInt8>, _ n: Int, to o: UnsafeMutablePointer<UInt8>) -> Bool {
        let src = UnsafeRawPointer(p), dst = UnsafeMutableRawPointer(o)
        let head = src.loadUnaligned(as: UInt64.self)
        let tail = src.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        dst.storeBytes(of: head, as: UInt64.self)
        dst.storeBytes(of: tail, toByteOffset: n &- 8, as: UInt64.self)
        let v = _mm_set_epi64x(Int64(bitPattern: tail), Int64(bitPattern: head))
        let hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x2C)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x22))),
                               _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x0D)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x0A))))
        return _mm_movemask_epi8(hit) != 0
    }
    #endif

    @inlinable @inline(__always)
    static func needsQuotes(_ v: UInt64) -> Bool {
        guard (v &- ones &* 0x2D) & ~v & highs != 0 else { return false }
        return hasByte(v, ones &* 0x2C) || hasByte(v, ones &* 0x22) || hasByte(v, ones &* 0x0D) || hasByte(v, ones &* 0x0A)
    }

    /// Appends `,` (unless `first`) and a whole number in decimal (never quoted nor guarded).
    /// Two digits at a time from a table, the length found by comparisons, not divisions.
    @inlinable @inline(__always)
    public func number(_ value: Int, first: Bool = false) throws {
        try reserve(24)
        var o = base + _count
        if !first {
            o[0] = 0x2C
            o += 1
        }
        if value < 0 {
            o[0] = 0x2D
            o += 1
        }
        var m = value.magnitude
        var digits = 1
        var limit: UInt = 10
        while digits < 20, m >= limit {
            digits += 1
            if digits == 20 { break }
            limit = limit &* 10
        }
        var k = digits
        while m >= 100 {
            let r = Int(m % 100)
            m /= 100
            k -= 2
            o[k] = pairs[2 * r]
            o[k + 1] = pairs[2 * r + 1]
        }
        if m >= 10 {
            k -= 2
            o[k] = pairs[2 * Int(m)]
            o[k + 1] = pairs[2 * Int(m) + 1]
        } else {
            o[k - 1] = UInt8(truncatingIfNeeded: m) &+ 0x30
        }
        _count = o + digits - base
    }

    /// Appends bytes as they are (separators, fixed texts that need no quoting).
    @inlinable @inline(__always)
    public func raw(_ bytes: StaticString) throws {
        let n = bytes.utf8CodeUnitCount
        try reserve(n)
        let o = base + _count, s = bytes.utf8Start
        if n >= 4 && n <= 16 {
            // The report's fixed cells (a status, a provider) are 4 to 16 bytes: copied as their
            // first and last words (overlapping; the shared bytes written twice, with the same
            // values), 8 bytes wide from 8 bytes, else 4. Reads and writes only bytes `0 ..< n`.
            let src = UnsafeRawPointer(s), dst = UnsafeMutableRawPointer(o)
            if n >= 8 {
                let head = src.loadUnaligned(as: UInt64.self), tail = src.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
                dst.storeBytes(of: head, as: UInt64.self)
                dst.storeBytes(of: tail, toByteOffset: n &- 8, as: UInt64.self)
            } else {
                let head = src.loadUnaligned(as: UInt32.self), tail = src.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
                dst.storeBytes(of: head, as: UInt32.self)
                dst.storeBytes(of: tail, toByteOffset: n &- 4, as: UInt32.self)
            }
        } else if n < 4 {
            // Separators: a byte or two, copied here, not by a `memcpy` call each.
            for j in 0..<n { o[j] = s[j] }
        } else {
            o.update(from: s, count: n)
        }
        _count += n
    }

    /// The empty fields and line end closing a row: `commas` commas and CRLF.
    @inlinable @inline(__always)
    public func emptyFieldsAndLineEnd(_ commas: Int) throws {
        precondition(commas >= 0)
        try reserve(commas + 2)
        let o = base + _count
        for j in 0..<commas { o[j] = 0x2C }
        o[commas] = 0x0D
        o[commas + 1] = 0x0A
        _count += commas + 2
    }
}
