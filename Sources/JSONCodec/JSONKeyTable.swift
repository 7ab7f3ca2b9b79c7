/// Finds which of a fixed list of names an object key is without making a `String` of it: a
/// reader switches on the returned index instead of comparing strings per field.
///
/// An open-addressing hash table keyed by the key's length and four of its bytes (cheap to
/// compute, and distinct enough for field names), each hit confirmed byte for byte, so any key
/// can be looked up, a name or not. Tables are made once (static) and read by every scan: the
/// storage is plain memory owned by the table, so a look-up retains nothing.
public final class JSONKeyTable: @unchecked Sendable {
    // @unchecked Sendable, proven: every stored property is a `let` set in `init`, and the memory
    // the pointers reach is written only in `init`, before the table can be shared, and freed only
    // in `deinit`, when no one holds it any more. Concurrent reads of immutable memory are safe.

    /// The names' bytes, one after the other.
    private let blob: UnsafeMutableBufferPointer<UInt8>
    /// Start and length of name `i` in `blob`.
    private let starts: UnsafeMutableBufferPointer<Int>
    private let lengths: UnsafeMutableBufferPointer<Int>
    /// Slot → name index, or -1 for an empty slot. Power-of-two size, at most a quarter full.
    private let slots: UnsafeMutableBufferPointer<Int16>
    /// Bit `min(n, 63)` is set when some name is `n` bytes long: most keys that are none of the
    /// names are refused by their length alone, before any hashing (issue 17: a reader that wants
    /// a few of an object's many fields looks every key up).
    private let lengthMask: UInt64

    /// A table of `names` (at most 8,000); the index of a name is its position in the list.
    /// A name given twice is found at its first index.
    public init(_ names: [String]) {
        precondition(names.count <= 8_000, "JSONKeyTable holds at most 8,000 names")
        let bytes = names.flatMap { Array($0.utf8) }
        blob = .allocate(capacity: max(bytes.count, 1))
        _ = blob.initialize(from: bytes)
        starts = .allocate(capacity: max(names.count, 1))
        lengths = .allocate(capacity: max(names.count, 1))
        var size = 16
        while size < names.count * 4 { size *= 2 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1)
        var offset = 0
        lengthMask = names.reduce(0) { $0 | 1 << UInt64(min($1.utf8.count, 63)) }
        for (index, name) in names.enumerated() {
            starts[index] = offset
            lengths[index] = name.utf8.count
            offset += name.utf8.count
        }
        for index in names.indices {
            let key = UnsafeBufferPointer(start: blob.baseAddress! + starts[index], count: lengths[index])
            if self.index(of: key) != nil { continue }  // a duplicate: the first one stays
            var slot = Self.hash(key) & (size - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int16(index)
        }
    }

    deinit {
        blob.deallocate()
        starts.deallocate()
        lengths.deallocate()
        slots.deallocate()
    }

    /// The index of the name equal to `bytes`, or `nil`.
    public func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard lengthMask >> UInt64(min(bytes.count, 63)) & 1 != 0 else { return nil }
        let mask = slots.count - 1
        var slot = Self.hash(bytes) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            if lengths[index] == bytes.count, Self.equal(blob.baseAddress! + starts[index], bytes) { return index }
            slot = (slot + 1) & mask
        }
    }

    /// The length and four of the key's bytes, mixed by one multiplication (Fibonacci hashing).
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let n = bytes.count
        guard n > 0 else { return 0 }
        let packed = UInt64(truncatingIfNeeded: n) | UInt64(bytes[0]) << 16 | UInt64(bytes[n - 1]) << 24
            | UInt64(bytes[n / 2]) << 32 | UInt64(bytes[(n - 1) / 3]) << 40
        return Int(truncatingIfNeeded: (packed &* 0x9E37_79B9_7F4A_7C15) >> 40)
    }

    /// Whether the bytes at `a` equal `b` (as many as `b` has): eight at a time, then the rest.
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let bb = b.baseAddress else { return true }
        let n = b.count
        var i = 0
        while i + 8 <= n {
            if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(bb + i).loadUnaligned(as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < n {
            if a[i] != bb[i] { return false }
            i += 1
        }
        return true
    }
}
