/// Writes JSON by appending bytes to one buffer: the request bodies of the bulk calls, without
/// an encoder's boxes, dictionaries and key sorting per row (issue 17).
///
/// The writer places commas itself: after a value, the next key or array element gets one.
/// It writes into memory of its own (a key is one capacity check and a copy, not five array
/// appends, issue 17), so it cannot be copied; ``bytes`` hands the document out as an array.
/// Keys are static strings the caller knows to need no escape. Strings are escaped by
/// ``JSONEscaping`` (`\"`, `\\`, `\n`, `\r`, `\t`, other controls as `\u00XX`; `/` as it is).
public struct JSONWriter: ~Copyable {
    // Memory safety: `base` points at `capacity` bytes this writer allocated and alone owns
    // (it is not copyable; `deinit` frees them); bytes `0..<count` are initialized. Every write
    // of n bytes is preceded by `reserve(n)`, which keeps `count + n <= capacity`.
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    /// Whether a value was just written at this level (the next member needs a comma).
    private var needsComma = false

    /// An empty writer with room for `capacity` bytes (it grows as needed).
    public init(capacity: Int = 0) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// The document so far.
    public var bytes: [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    /// The document, in the writer's own memory, handed over with it: the caller owns the
    /// buffer and deallocates it (`deallocate()` on its base address). For a body wrapped without
    /// a copy (`Data(bytesNoCopy:count:deallocator:)`): copying a bulk body into an array and
    /// then into `Data` moved every byte twice (issue 17).
    public consuming func takeBuffer() -> UnsafeMutableBufferPointer<UInt8> {
        let buffer = UnsafeMutableBufferPointer(start: base, count: count)
        discard self
        return buffer
    }

    /// The document so far, lent to `body` in place.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Appends `bytes` as they are, with no comma and no escaping: a trailer the caller knows to
    /// keep the document what it should be (a journal line's seal and newline).
    public mutating func appendRaw(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        if let source = bytes.baseAddress, bytes.count > 0 {
            UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        }
        count += bytes.count
    }

    /// Removes the last byte written (a closing brace a trailer takes the place of).
    public mutating func removeLastByte() {
        precondition(count > 0, "nothing to remove")
        count -= 1
    }

    /// Empties the buffer, keeping its storage, to write the next document.
    public mutating func reset() {
        count = 0
        needsComma = false
    }

    /// Why a value could not be written.
    public struct Failure: Error, Sendable, Equatable {
        /// What was wrong.
        public let reason: String
    }

    // MARK: - Structure

    /// `{`, as a value.
    public mutating func beginObject() {
        reserve(2)
        separate()
        put(UInt8(ascii: "{"))
        needsComma = false
    }

    /// `}`.
    public mutating func endObject() {
        reserve(1)
        put(UInt8(ascii: "}"))
        needsComma = true
    }

    /// `[`, as a value.
    public mutating func beginArray() {
        reserve(2)
        separate()
        put(UInt8(ascii: "["))
        needsComma = false
    }

    /// `]`.
    public mutating func endArray() {
        reserve(1)
        put(UInt8(ascii: "]"))
        needsComma = true
    }

    /// `"name":` (with a comma before it after another member); the value comes next.
    /// `name` is written as it is: it must need no escape (the callers' field names do not).
    public mutating func key(_ name: StaticString) {
        let n = name.utf8CodeUnitCount
        reserve(n + 4)
        separate()
        put(UInt8(ascii: "\""))
        Self.copyBytes(name.utf8Start, to: base + count, n)
        count += n
        put(UInt8(ascii: "\""))
        put(UInt8(ascii: ":"))
        needsComma = false
    }

    // MARK: - Values

    /// A string value, escaped.
    public mutating func string(_ value: String) {
        appendEscaped(value)
        needsComma = true
    }

    /// An integer value.
    public mutating func int(_ value: Int) {
        reserve(1)
        separate()
        appendDecimal(value)
        needsComma = true
    }

    /// A number value as `JSONEncoder` writes a `Double`: its shortest round-trip text, a whole
    /// number without `.0`.
    /// - Throws: ``Failure`` for infinity or NaN, which JSON cannot carry (`JSONEncoder` refuses them too).
    public mutating func double(_ value: Double) throws {
        guard value.isFinite else { throw Failure(reason: "\(value) is not a JSON number") }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        text.withUTF8 { utf8 in
            reserve(utf8.count + 1)
            separate()
            for b in utf8 { put(b) }
        }
        needsComma = true
    }

    /// `true` or `false`.
    public mutating func bool(_ value: Bool) {
        reserve(6)
        separate()
        if value {
            for b in "true".utf8 { put(b) }
        } else {
            for b in "false".utf8 { put(b) }
        }
        needsComma = true
    }

    /// `null`.
    public mutating func null() {
        reserve(5)
        separate()
        for b in "null".utf8 { put(b) }
        needsComma = true
    }

    // MARK: - Internals

    /// Makes room for `n` more bytes.
    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if capacity - count < n { grow(n) }
    }

    @inline(never)
    private mutating func grow(_ n: Int) {
        let larger = max(capacity * 2, count + n)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.moveInitialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

    /// Writes one byte: only after `reserve` made room for it.
    @inline(__always)
    private mutating func put(_ b: UInt8) {
        base[count] = b
        count += 1
    }

    /// A comma if a value came just before: callers reserve a byte for it.
    @inline(__always)
    private mutating func separate() {
        if needsComma { put(UInt8(ascii: ",")) }
    }

    private mutating func appendDecimal(_ value: Int) {
        reserve(20)
        if value == 0 {
            put(UInt8(ascii: "0"))
            return
        }
        if value < 0 { put(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // At most 19 digits (Int.min's magnitude), written backwards into a stack tuple, then copied.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[23 - n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            }
            (base + count).initialize(from: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + (24 - n), count: n)
        }
        count += n
    }

    /// A comma if needed, then `"…"` for `s`, escaped as ``JSONEscaping`` escapes: runs
    /// without an escape copied whole.
    private mutating func appendEscaped(_ s: String) {
        // Read in place: `var text = s; text.withUTF8` retained and released every string written
        // (issue 17: some thirty atomic operations a row). A string without contiguous UTF-8 (a
        // bridged one) is made contiguous first, as `withUTF8` would.
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { appendEscaped(utf8: $0) }
        if done == nil {
            var text = s
            text.withUTF8 { appendEscaped(utf8: $0) }
        }
    }

    private mutating func appendEscaped(utf8: UnsafeBufferPointer<UInt8>) {
        do {
            let n = utf8.count
            // The usual value needs no escape: a comma, its bytes and two quotes.
            reserve(n + 3)
            separate()
            put(UInt8(ascii: "\""))
            guard let from = utf8.baseAddress else { return put(UInt8(ascii: "\"")) }
            var runStart = 0
            var i = 0
            while true {
                i = JSONEscaping.nextSpecial(from, n, from: i)
                if i >= n { break }
                copy(from + runStart, i - runStart)
                var escape: (UInt64, UInt64) = (0, 0)
                let length = withUnsafeMutableBytes(of: &escape) { JSONEscaping.escape(from[i], into: $0) }
                withUnsafeBytes(of: &escape) { copy($0.baseAddress!.assumingMemoryBound(to: UInt8.self), length) }
                i += 1
                runStart = i
            }
            copy(from + runStart, n - runStart)
            reserve(1)
            put(UInt8(ascii: "\""))
        }
    }

    /// Copies `n` bytes from `from`, making room first.
    @inline(__always)
    private mutating func copy(_ from: UnsafePointer<UInt8>, _ n: Int) {
        reserve(n)
        Self.copyBytes(from, to: base + count, n)
        count += n
    }

    /// Copies `n` bytes: short runs (keys, most values) by words in line, overlapping the last
    /// word instead of a byte loop, never reading or writing outside the `n` bytes; long ones by
    /// `memcpy`. Issue 17: a `memcpy` call per key and value was ~35 instructions each, some
    /// forty a row.
    @inline(__always)
    static func copyBytes(_ from: UnsafePointer<UInt8>, to: UnsafeMutablePointer<UInt8>, _ n: Int) {
        let source = UnsafeRawPointer(from), target = UnsafeMutableRawPointer(to)
        if n >= 8 && n <= 32 {
            var i = 0
            while i &+ 8 <= n {
                target.storeBytes(of: source.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
                i &+= 8
            }
            if i < n {
                target.storeBytes(of: source.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self), toByteOffset: n &- 8, as: UInt64.self)
            }
        } else if n >= 4 && n < 8 {
            target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self), toByteOffset: n &- 4, as: UInt32.self)
        } else if n > 32 {
            to.initialize(from: from, count: n)
        } else {
            var i = 0
            while i < n {
                to[i] = from[i]
                i &+= 1
            }
        }
    }
}
