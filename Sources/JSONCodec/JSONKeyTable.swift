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
    /// For a length below 64: the index of the one name that long, -1 when none is, -2 when
    /// several are (those are found by hashing). Most look-ups are then one comparison.
    private let byLength: UnsafeMutableBufferPointer<Int16>

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
        byLength = .allocate(capacity: 64)
        byLength.initialize(repeating: -1)
        // Names compared by their bytes (String's == would equate é and e + U+0301).
        var firstOf: [[UInt8]: Int16] = [:]
        for (index, name) in names.enumerated() where name.utf8.count < 64 {
            let n = name.utf8.count
            let first = firstOf[Array(name.utf8), default: Int16(index)]  // a name given twice is found at its first index
            firstOf[Array(name.utf8)] = first
            switch byLength[n] {
            case -1: byLength[n] = first
            case first: break
            default: byLength[n] = -2
            }
        }
        var offset = 0
        lengthMask = names.reduce(0) { $0 | 1 << UInt64(min($1.utf8.count, 63)) }
        for (index, name) in names.enumerated() {
            starts[index] = offset
            lengths[index] = name.utf8.count
            offset += name.utf8.count
        }
        for index in names.indices {
            let key = UnsafeBufferPointer(start: blob.baseAddress! + starts[index], count: lengths[index])
            if hashedIndex(of: key) != nil { continue }  // a duplicate: the first one stays
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
        byLength.deallocate()
    }

    /// The index of the name equal to `bytes`, or `nil`.
    public func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = bytes.count
        if n < 64 {
            let only = Int(byLength[n])
            if only >= 0 { return Self.equal(blob.baseAddress! + starts[only], bytes) ? only : nil }
            if only == -1 { return nil }
        }
        return hashedIndex(of: bytes)
    }

    /// ``index(of:)`` by the hash table: for lengths that several names have, or 64 and more.
    private func hashedIndex(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
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

    /// Whether the bytes at `a` equal `b` (as many as `b` has): eight at a time and the last
    /// eight (overlapping), or the first and last four, or byte by byte below four; every load
    /// stays inside both ranges.
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let bb = b.baseAddress else { return true }
        let n = b.count
        let x = UnsafeRawPointer(a)
        let y = UnsafeRawPointer(bb)
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                if x.loadUnaligned(fromByteOffset: i, as: UInt64.self) != y.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                i += 8
            }
            return x.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        if n >= 4 {
            return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
                && x.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == y.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        for i in 0..<n where a[i] != bb[i] { return false }
        return true
    }
}
