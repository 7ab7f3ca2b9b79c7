#if canImport(Glibc)
import Glibc
#endif

/// The CSV report's output buffer for whole batches of rows: report lines encoded straight into
/// one unsafe buffer (no `[UInt8]` append per byte, no uniqueness check per field), written out
/// in 1 MiB writes. Encodes fields exactly as `CSVWriter` does for the report's options
/// (`,` delimiter, CRLF, spreadsheet-safe): quoted when a field holds `,` `"` CR or LF, quotes
/// doubled, a `'` in front of a guarded field starting with `=` `+` `-` `@` TAB or CR.
final class ReportLineBuffer {
    private let fd: Int32
    private let path: String
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    /// "00" "01" … "99", for ``number(_:first:)`` (a field, not a lazy global checked per call).
    private let pairs: UnsafeMutablePointer<UInt8>
    private static let flushAt = 1 << 20

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    init(fileDescriptor: Int32, path: String) {
        fd = fileDescriptor
        self.path = path
        capacity = Self.flushAt + (1 << 16)
        base = .allocate(capacity: capacity)
        pairs = .allocate(capacity: 200)
        for i in 0..<100 {
            pairs[2 * i] = UInt8(0x30 + i / 10)
            pairs[2 * i + 1] = UInt8(0x30 + i % 10)
        }
    }

    deinit {
        base.deallocate()
        pairs.deallocate()
    }

    /// Makes room for `n` more bytes, writing out what is buffered when past 1 MiB.
    @inline(__always)
    func reserve(_ n: Int) throws {
        if count + n > capacity || count >= Self.flushAt { try makeRoom(n) }
    }

    @inline(never)
    private func makeRoom(_ n: Int) throws {
        try flush()
        if n > capacity {
            base.deallocate()
            capacity = n + (1 << 16)
            base = .allocate(capacity: capacity)
        }
    }

    func flush() throws {
        var done = 0
        while done < count {
            let n = Glibc.write(fd, base + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputFile.cannotWrite(path)
            }
            done += n
        }
        count = 0
    }

    /// Whether the word holds a byte equal to `lanes`' byte (exact, as a yes/no).
    @inline(__always)
    private static func hasByte(_ v: UInt64, _ lanes: UInt64) -> Bool {
        let x = v ^ lanes
        return (x &- ones) & ~x & highs != 0
    }

    /// Whether the field must be quoted: it holds `,` `"` CR or LF.
    @inline(__always)
    private static func needsQuotes(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i &+ 8 <= n {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            if hasByte(v, ones &* 0x2C) || hasByte(v, ones &* 0x22) || hasByte(v, ones &* 0x0D) || hasByte(v, ones &* 0x0A) {
                return true
            }
            i &+= 8
        }
        while i < n {
            let b = p[i]
            if b == 0x2C || b == 0x22 || b == 0x0D || b == 0x0A { return true }
            i &+= 1
        }
        return false
    }

    /// Appends `,` (unless `first`) and the field, guarded against formulas when `guardFormula`.
    ///
    /// The usual field (nothing to quote) is copied eight bytes at a time while it is scanned for
    /// the bytes that need quoting, without a `memmove` call; the buffer always has the slack for
    /// the last word's overshoot. A field that needs quotes is then written again, byte by byte.
    @inline(__always)
    func field(_ f: UnsafeBufferPointer<UInt8>, guardFormula: Bool = true) throws {
        let n = f.count
        try reserve(2 * n + 12)
        var o = base + count
        o[0] = 0x2C
        o += 1
        guard n > 0, let p = f.baseAddress else {
            count = o - base
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
            count = o + n - base
            return
        }
        // Quoted: `"`, the guard, the bytes with each `"` doubled, `"`.
        o = base + count + 1
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
        count = o - base
    }

    /// Copies `n` bytes from `p` to `o` (writing up to 7 bytes past them) and says whether they
    /// hold `,` `"` CR or LF (the field must then be quoted; what was copied is to be overwritten).
    @inline(__always)
    private static func copyUnlessQuoting(_ p: UnsafePointer<UInt8>, _ n: Int, to o: UnsafeMutablePointer<UInt8>) -> Bool {
        let raw = UnsafeMutableRawPointer(o)
        var i = 0
        var found = false
        while i &+ 8 <= n {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            raw.storeBytes(of: v, toByteOffset: i, as: UInt64.self)
            found = found || hasByte(v, ones &* 0x2C) || hasByte(v, ones &* 0x22) || hasByte(v, ones &* 0x0D) || hasByte(v, ones &* 0x0A)
            i &+= 8
        }
        if i < n {
            // The tail, gathered into one word (the source may end right after the field).
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

    /// ``hasByte(_:_:)`` restricted to the bytes `mask` covers (whole bytes, the low ones).
    @inline(__always)
    private static func hasByteIn(_ v: UInt64, _ lanes: UInt64, _ mask: UInt64) -> Bool {
        let x = (v ^ lanes) | ~mask // bytes outside the mask never match
        return (x &- ones) & ~x & highs != 0
    }

    /// Appends `,` and the field (a String).
    @inline(__always)
    func field(_ s: String, guardFormula: Bool = true) throws {
        var s = s
        try s.withUTF8 { try field($0, guardFormula: guardFormula) }
    }

    /// Appends `,` (unless `first`) and a whole number in decimal (the tool's own value, never guarded).
    /// Two digits at a time from a table, the length found by comparisons, not divisions.
    @inline(__always)
    func number(_ value: Int, first: Bool = false) throws {
        try reserve(24)
        var o = base + count
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
        count = o + digits - base
    }


    /// Appends bytes as they are (separators, fixed texts that need no quoting).
    @inline(__always)
    func raw(_ bytes: StaticString) throws {
        let n = bytes.utf8CodeUnitCount
        try reserve(n)
        (base + count).update(from: bytes.utf8Start, count: n)
        count += n
    }

    /// `,` then the empty fields and line end closing a row: `count` commas and CRLF.
    @inline(__always)
    func emptyFieldsAndLineEnd(_ commas: Int) throws {
        try reserve(commas + 2)
        let o = base + count
        for j in 0..<commas { o[j] = 0x2C }
        o[commas] = 0x0D
        o[commas + 1] = 0x0A
        count += commas + 2
    }
}
