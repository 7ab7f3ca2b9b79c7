/// Finds rows that repeat an e-mail or id of an earlier row in the same file.
///
/// It keeps a 64-bit hash of each key, not the key, so a million rows cost about 25 MB rather
/// than a copy of every address. Two different addresses share a hash with a probability of about
/// n²/2⁶⁵ (3·10⁻⁸ for a million rows), which the report would show as a wrong `skipped`.
///
/// The table is open addressing with linear probing over two flat arrays (hash, first row), a
/// power-of-two capacity and at most 3/4 full: 12 bytes a slot, no per-claim allocation and no
/// second hashing of the already well-mixed key, which `Dictionary` would do with SipHash.
public struct DuplicateTracker: Sendable {
    /// Hashes of claimed keys; 0 marks an empty slot (a key hashing to 0 is stored as 1).
    private var keys: [UInt64]
    private var rows: [Int32]
    private var count = 0
    private var mask: Int

    public init() {
        keys = Array(repeating: 0, count: 1024)
        rows = Array(repeating: 0, count: 1024)
        mask = 1023
    }

    /// What a repeated row repeats.
    public enum Key: String, Sendable { case email = "e-mail", id }

    /// Claims the row's e-mail and id; returns the earlier row that holds either, or `nil`.
    /// A row that is itself a duplicate claims nothing.
    public mutating func claim(row: Int, emailKey: String?, id: String?) -> (row: Int, key: Key)? {
        let e = emailKey.map { Self.hash($0, salt: 0x65) }
        let i = id.map { Self.hash($0, salt: 0x69) }
        if let e, let first = find(e) { return (first, .email) }
        if let i, let first = find(i) { return (first, .id) }
        let r = Int32(truncatingIfNeeded: row)
        if let e { insert(e, r) }
        if let i { insert(i, r) }
        return nil
    }

    private func find(_ key: UInt64) -> Int? {
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = keys[slot]
            if k == 0 { return nil }
            if k == key { return Int(rows[slot]) }
            slot = (slot + 1) & mask
        }
    }

    private mutating func insert(_ key: UInt64, _ row: Int32) {
        if (count + 1) * 4 > keys.count * 3 { grow() }
        var slot = Int(truncatingIfNeeded: key) & mask
        while keys[slot] != 0 {
            if keys[slot] == key { return } // an e-mail equal to the id of the same row, hash-wise
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        rows[slot] = row
        count += 1
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldRows = rows
        let capacity = oldKeys.count * 2
        keys = Array(repeating: 0, count: capacity)
        rows = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        count = 0
        for j in 0..<oldKeys.count where oldKeys[j] != 0 { insert(oldKeys[j], oldRows[j]) }
    }

    /// FNV-1a over the key's UTF-8 bytes, with a salt byte so e-mails and ids never collide by
    /// kind, then a splitmix64 avalanche so the table's slots spread well. Never 0.
    static func hash(_ key: String, salt: UInt8) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        h = (h ^ UInt64(salt)) &* 0x0000_0100_0000_01b3
        if let done = key.utf8.withContiguousStorageIfAvailable({ bytes -> UInt64 in
            var h = h
            for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            return h
        }) {
            h = done
        } else {
            for b in key.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        }
        h ^= h >> 30; h &*= 0xbf58_476d_1ce4_e5b9
        h ^= h >> 27; h &*= 0x94d0_49bb_1331_11eb
        h ^= h >> 31
        return h == 0 ? 1 : h
    }
}
