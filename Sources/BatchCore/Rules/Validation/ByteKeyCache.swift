/// A small cache from short byte strings (a calendar domain, a time zone text) to a number the
/// caller gave them (an index into its own table), looked up from a row's bytes without making a
/// `String`.
///
/// Two-way set-associative over 256 slots, indexed by a multiplicative hash of the key's length
/// and first and last eight bytes, each hit confirmed by comparing the bytes eight at a time: an HR file names a handful of zones and domains, so each is found in one or two slots.
/// The keys live one after another in one byte array (no array per slot to retain on a look-up);
/// when that passes 64 KiB the cache starts again empty, so its memory is bounded whatever the
/// input. It replaced linear scans over the last 8 domains and 64 zones. When folding case, keys
/// are stored lowercased and non-ASCII keys are not cached (the caller's `String` path handles them).
struct ByteKeyCache: Sendable {
    private var starts: [Int32]
    private var lengths: [Int32]
    /// The caller's number per slot; -1 for an empty slot.
    private var codes: [Int32]
    private var storage: [UInt8] = []
    private let foldingCase: Bool
    private static let slots = 256
    private static let storageLimit = 1 << 16

    /// - Parameter foldingASCIICase: whether `A`–`Z` match `a`–`z` (keys are stored lowercased).
    init(foldingASCIICase: Bool) {
        foldingCase = foldingASCIICase
        starts = Array(repeating: 0, count: Self.slots)
        lengths = Array(repeating: 0, count: Self.slots)
        codes = Array(repeating: -1, count: Self.slots)
    }

    /// The first slot of the key's pair: from its length and its first and last eight bytes (the
    /// texts cached are short, and a collision costs only a miss), lowercased when folding; `nil`
    /// for a key not to cache (non-ASCII when folding).
    @inline(__always)
    private func home(_ key: Span<UInt8>) -> Int? { homeAndWords(key)?.slot }

    /// ``home(_:)`` with the two words it hashed (lowercased when folding): a key of 8 to 16
    /// bytes is all in them, so a stored key of that length is compared by two loads.
    @inline(__always)
    private func homeAndWords(_ key: Span<UInt8>) -> (slot: Int, first: UInt64, last: UInt64)? {
        let n = key.count
        let raw = key.bytes
        var a: UInt64 = 0, b: UInt64 = 0
        if n >= 8 {
            // Memory-safe despite the name: RawSpan checks each 8-byte range is inside it, and
            // every bit pattern is a valid UInt64.
            a = raw.unsafeLoadUnaligned(fromByteOffset: 0, as: UInt64.self)
            b = raw.unsafeLoadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        } else {
            for i in 0..<n { a |= UInt64(key[i]) << UInt64(8 &* i) }
        }
        if foldingCase {
            if (a | b) & 0x8080_8080_8080_8080 != 0 || (n > 16 && !Self.isASCII(key)) { return nil }
            a = Self.lowered(a)
            b = Self.lowered(b)
        }
        let h = (a ^ (b << 29 | b >> 35) ^ UInt64(truncatingIfNeeded: n)) &* 0x9e37_79b9_7f4a_7c15
        return (Int(truncatingIfNeeded: h >> 56) & (Self.slots - 2), a, b)
    }

    private static func isASCII(_ key: Span<UInt8>) -> Bool {
        for i in 0..<key.count where key[i] >= 0x80 { return false }
        return true
    }

    /// The number stored for these bytes, or `nil`.
    func code(for key: Span<UInt8>) -> Int32? {
        guard let (slot, first, last) = homeAndWords(key) else { return nil }
        let n = key.count
        if n >= 8 && n <= 16 {
            // The usual zone or domain: its first and last eight bytes are the whole key.
            let stored = storage.span.bytes
            for s in slot...slot + 1 where codes[s] >= 0 && Int(lengths[s]) == n {
                let start = Int(starts[s])
                if stored.unsafeLoadUnaligned(fromByteOffset: start, as: UInt64.self) == first
                    && stored.unsafeLoadUnaligned(fromByteOffset: start &+ n &- 8, as: UInt64.self) == last {
                    return codes[s]
                }
            }
            return nil
        }
        if matches(slot, key) { return codes[slot] }
        if matches(slot + 1, key) { return codes[slot + 1] }
        return nil
    }

    /// Stores `code` (≥ 0) for these bytes: in the first slot of the pair when it is free or holds
    /// them, else in the second.
    mutating func set(_ code: Int32, for key: Span<UInt8>) {
        guard code >= 0, let home = home(key), key.count <= Self.storageLimit else { return }
        if storage.count + key.count > Self.storageLimit {
            storage.removeAll(keepingCapacity: true)
            for i in codes.indices { codes[i] = -1 }
        }
        let slot = codes[home] < 0 || matches(home, key) ? home : home + 1
        starts[slot] = Int32(storage.count)
        lengths[slot] = Int32(key.count)
        codes[slot] = code
        for i in 0..<key.count { storage.append(foldingCase ? Self.lower(key[i]) : key[i]) }
    }

    @inline(__always)
    private func matches(_ slot: Int, _ key: Span<UInt8>) -> Bool {
        guard codes[slot] >= 0, Int(lengths[slot]) == key.count else { return false }
        let start = Int(starts[slot])
        let stored = storage.span.bytes.extracting(start..<start + key.count)
        let given = key.bytes
        let n = key.count
        if n < 8 {
            for i in 0..<n where stored.unsafeLoad(fromByteOffset: i, as: UInt8.self) != (foldingCase ? Self.lower(key[i]) : key[i]) {
                return false
            }
            return true
        }
        // Eight bytes at a time, the last word overlapping the one before (n ≥ 8). Memory-safe
        // despite the name: RawSpan checks each 8-byte range is inside it, and every bit pattern
        // is a valid UInt64.
        var i = 0
        while true {
            var w = given.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self)
            if foldingCase { w = Self.lowered(w) }
            if w != stored.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            if i == n &- 8 { return true }
            i = min(i &+ 8, n &- 8)
        }
    }

    /// The word with its ASCII capitals made small: bit 7 of `w + 0x3F` is set from 'A' (0x41) up,
    /// bit 7 of `w + 0x25` from '[' (0x5B) up, no carry crossing a byte. Exact for ASCII bytes
    /// only, which is all a folding cache compares (``home(_:)`` turns non-ASCII keys away).
    @inline(__always)
    private static func lowered(_ w: UInt64) -> UInt64 {
        let upper = (w &+ 0x3f3f_3f3f_3f3f_3f3f) & ~(w &+ 0x2525_2525_2525_2525) & 0x8080_8080_8080_8080
        return w | upper >> 2
    }

    @inline(__always) private static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
}
