/// A growable run of bytes written through a pointer: the sheet XML as ``XLSXWriter`` makes it,
/// then handed whole to the ZIP writer's queue (``ThreadedZipWriter``).
///
/// Appending to an `[UInt8]` checks uniqueness and capacity and goes through generic code on
/// every call; a row of the report is some forty appends of a few bytes, and those checks were
/// a fifth of the time of writing a large workbook. Here an append is a capacity test and a copy.
///
/// Invariants of the pointer code: `storage` holds `capacity` bytes, of which `0..<count` are
/// written; every append first makes room (``reserve(_:)``), so no write leaves the storage.
final class ByteBuffer: @unchecked Sendable {
    // Unchecked Sendable, why it holds: a buffer is used by one thread at a time. A buffer goes
    // to the ZIP queue only from ThreadedZipWriter.write: taken from the spares under its Mutex
    // (so no one else holds it), filled by `exchange` on the caller's thread, then captured by
    // the queue's block (dispatch orders the block after it); the block puts it back among the
    // spares under the Mutex. The caller's own buffer never leaves the caller's thread.
    private var storage: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        storage = .allocate(capacity: self.capacity)
    }

    deinit {
        storage.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    func removeAll() {
        count = 0
    }

    /// Makes room for `n` more bytes.
    @inline(__always)
    func reserve(_ n: Int) {
        if count &+ n > capacity { grow(n) }
    }

    @inline(never)
    private func grow(_ n: Int) {
        let bigger = max(capacity * 2, count + n)
        let new = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        new.update(from: storage, count: count)
        storage.deallocate()
        storage = new
        capacity = bigger
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count &+= 1
    }

    @inline(__always)
    func append(_ text: StaticString) {
        append(text.utf8Start, text.utf8CodeUnitCount)
    }

    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let p = bytes.baseAddress else { return }
        append(p, bytes.count)
    }

    /// Copies `n` bytes from `p`.
    @inline(__always)
    func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
        reserve(n)
        count &+= Self.copy(p, n, to: storage + count) - (storage + count)
    }

    // MARK: Writing through a local pointer
    //
    // A cell written piece by piece through ``append(_:_:)`` tests the capacity and reloads
    // `storage` and `count` for each piece (a store through the storage may, for the compiler,
    // change them). ``tail(reserving:)`` makes room once and gives the pointer; the pieces are
    // copied through it (``copy(_:_:to:)``, ``copy(_:to:)``, ``writeDecimal(_:to:)``, each
    // returning the pointer past what it wrote) and ``commit(_:)`` sets the count once.
    // Invariant: the caller writes at most the `n` bytes it reserved, from the pointer
    // ``tail(reserving:)`` returned, and commits a pointer within them before any other call on
    // the buffer.

    /// The end of the bytes written, with room for `n` more after it.
    @inline(__always)
    func tail(reserving n: Int) -> UnsafeMutablePointer<UInt8> {
        reserve(n)
        return storage + count
    }

    /// Ends a write begun by ``tail(reserving:)``: the bytes up to `end` are written.
    @inline(__always)
    func commit(_ end: UnsafeMutablePointer<UInt8>) {
        count = end - storage
    }

    /// Copies `n` bytes from `p` to `o` (room made by the caller), returning `o + n`. Most copies
    /// are a few bytes (a tag, a name): those are copied as words (4 or 8 bytes each, the last
    /// one ending at `n`, overlapping the one before) rather than by a call to `memcpy`, which
    /// cost more than the copy. Every load is inside `p[0..<n]` (words start at 0, 8, 16 only
    /// where they end by `n`, and the last ends at `n`), every store inside `o[0..<n]`.
    @inline(__always)
    static func copy(_ p: UnsafePointer<UInt8>, _ n: Int, to o: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let out = UnsafeMutableRawPointer(o)
        let source = UnsafeRawPointer(p)
        if n > 16 && n <= 32 {
            // Words at 0 and 8, at 16 when more than 24 bytes, and the one ending at `n`.
            out.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
            out.storeBytes(of: source.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
            if n > 24 {
                out.storeBytes(of: source.loadUnaligned(fromByteOffset: 16, as: UInt64.self), toByteOffset: 16, as: UInt64.self)
            }
            out.storeBytes(of: source.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self), toByteOffset: n &- 8, as: UInt64.self)
        } else if n >= 8 && n <= 16 {
            let head = source.loadUnaligned(as: UInt64.self)
            let tail = source.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            out.storeBytes(of: head, as: UInt64.self)
            out.storeBytes(of: tail, toByteOffset: n &- 8, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            let head = source.loadUnaligned(as: UInt32.self)
            let tail = source.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
            out.storeBytes(of: head, as: UInt32.self)
            out.storeBytes(of: tail, toByteOffset: n &- 4, as: UInt32.self)
        } else if n < 4 {
            for i in 0..<n { out.storeBytes(of: p[i], toByteOffset: i, as: UInt8.self) }
        } else {
            out.copyMemory(from: source, byteCount: n)
        }
        return o + n
    }

    /// ``copy(_:_:to:)`` of a literal.
    @inline(__always)
    static func copy(_ text: StaticString, to o: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        copy(text.utf8Start, text.utf8CodeUnitCount, to: o)
    }

    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// A whole number in decimal.
    @inline(__always)
    func appendDecimal(_ value: Int) {
        reserve(20)
        count &+= Self.writeDecimal(value, to: storage + count) - (storage + count)
    }

    /// `value` in decimal at `o` (room for 20 bytes made by the caller), returning the end: the
    /// length found by comparisons, then the digits from the end, two at a time, by arithmetic
    /// (reading a table of digit pairs cost a lazy-initialization check on every number). Stores
    /// stay in `o[0..<20]` (a sign and at most 19 digits).
    @inline(__always)
    static func writeDecimal(_ value: Int, to start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var o = start
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
            let q = m / 100
            let r = m &- q &* 100
            let tens = (r &* 103) &>> 10 // r / 10 for r < 100
            k &-= 2
            o[k] = UInt8(truncatingIfNeeded: tens) &+ 0x30
            o[k &+ 1] = UInt8(truncatingIfNeeded: r &- tens &* 10) &+ 0x30
            m = q
        }
        if m >= 10 {
            let tens = (m &* 103) &>> 10
            o[k &- 2] = UInt8(truncatingIfNeeded: tens) &+ 0x30
            o[k &- 1] = UInt8(truncatingIfNeeded: m &- tens &* 10) &+ 0x30
        } else {
            o[k &- 1] = UInt8(truncatingIfNeeded: m) &+ 0x30
        }
        return o + digits
    }

    /// Exchanges the two buffers' contents (storage, bytes and capacity): how a full buffer is
    /// handed over while its owner keeps the same object, a `let` whose every use needs no
    /// retain (as a `var`, each append retained and released it: a tenth of the run).
    func exchange(with other: ByteBuffer) {
        swap(&storage, &other.storage)
        swap(&capacity, &other.capacity)
        swap(&count, &other.count)
    }

    /// The bytes written so far.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }
}
