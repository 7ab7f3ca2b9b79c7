import BatchModel

/// Finds rows that repeat an e-mail or id of an earlier row in the same file.
///
/// It keeps a 64-bit hash of each key, not the key, so a million rows cost about 25 MB rather
/// than a copy of every address. Two different addresses share a hash with a probability of about
/// n²/2⁶⁵ (3·10⁻⁸ for a million rows), which the report would show as a wrong `skipped`.
///
/// The table is open addressing with linear probing over two flat arrays (hash, first row), a
/// power-of-two capacity and at most 3/4 full: 12 bytes a slot, no per-claim allocation and no
/// second hashing of the already well-mixed key, which `Dictionary` would do with SipHash. It is
/// split into 64 shards by the hash's top bits, each growing on its own, so that a growth holds
/// old and new arrays of one shard (1/64 of the table) rather than of the whole table: with one
/// table the peak at a million rows was 37 MB instead of 25.
public struct DuplicateTracker: Sendable {
    private var shards: [Shard]
    private static let shardBits = 6

    public init() {
        shards = Array(repeating: Shard(), count: 1 << Self.shardBits)
    }

    @inline(__always)
    private static func shard(_ key: UInt64) -> Int { Int(truncatingIfNeeded: key >> UInt64(64 - shardBits)) }

    /// What a repeated row repeats.
    public enum Key: String, Sendable { case email = "e-mail", id }

    /// Claims the row's e-mail and id; returns the earlier row that holds either, or `nil`.
    /// A row that is itself a duplicate claims nothing.
    public mutating func claim(row: Int, emailKey: String?, id: String?) -> (row: Int, key: Key)? {
        claim(row: row, emailHash: emailKey.map(Self.emailHash), idHash: id.map(Self.idHash))
    }

    /// The hash ``claim(row:emailKey:id:)`` uses for an e-mail key, to compute ahead of time.
    static func emailHash(_ emailKey: String) -> UInt64 { hash(emailKey, salt: 0x65) }
    /// ``emailHash(_:)`` of the key of an e-mail given as UTF-8 bytes (``EmailAddress/key(_:)``
    /// lowercases): ASCII is lowercased on the fly, eight bytes at a time; anything else goes
    /// through `String`.
    static func emailHash(utf8 email: UnsafeBufferPointer<UInt8>) -> UInt64 {
        hash(email, salt: 0x65, lowercasingASCII: true)
            ?? emailHash(EmailAddress.key(String(decoding: email, as: UTF8.self)))
    }

    /// The hash ``claim(row:emailKey:id:)`` uses for an id.
    static func idHash(_ id: String) -> UInt64 { hash(id, salt: 0x69) }

    /// Touches the slots these hashes start at, all before any is needed: the loads overlap instead
    /// of each waiting for memory in turn (the table outgrows the caches after ~100,000 rows).
    /// Returns a value only so that the loads are not optimized away.
    func touch(_ hashes: UnsafeBufferPointer<UInt64>) -> UInt64 {
        var sum: UInt64 = 0
        for h in hashes where h != 0 { sum &+= shards[Self.shard(h)].peek(h) }
        return sum
    }

    /// Claims the keys of every row, in order, marking the duplicates among rows without errors
    /// (the pipeline's step): one access to the tracker for a whole batch. Returns how many rows
    /// were duplicates. An invalid row claims its keys too: one key, one row, so a later row with
    /// the same e-mail is skipped rather than created, only for the first row, once fixed, to land
    /// on that resource the next night.
    mutating func claimAll(_ rows: UnsafeMutableBufferPointer<ValidatedRow>) -> Int {
        var found = 0
        for i in rows.indices {
            let earlier = claim(row: rows[i].row, emailHash: rows[i].emailHash, idHash: rows[i].idHash)
            if !rows[i].issues.hasErrors, let (first, key) = earlier {
                rows[i].duplicateOf = first
                rows[i].issues.append(RowIssue(.warning, field: nil, "the same \(key.rawValue) as row \(first); skipped"))
                found += 1
            }
        }
        return found
    }

    /// ``claim(row:emailKey:id:)`` with the keys already hashed.
    mutating func claim(row: Int, emailHash e: UInt64?, idHash i: UInt64?) -> (row: Int, key: Key)? {
        // One key (the usual row): found or claimed in one probe of its shard.
        if let e, i == nil {
            return shards[Self.shard(e)].findOrInsert(e, Int32(truncatingIfNeeded: row)).map { ($0, .email) }
        }
        if let i, e == nil {
            return shards[Self.shard(i)].findOrInsert(i, Int32(truncatingIfNeeded: row)).map { ($0, .id) }
        }
        if let e, let first = shards[Self.shard(e)].find(e) { return (first, .email) }
        if let i, let first = shards[Self.shard(i)].find(i) { return (first, .id) }
        let r = Int32(truncatingIfNeeded: row)
        if let e { shards[Self.shard(e)].insert(e, r) }
        if let i { shards[Self.shard(i)].insert(i, r) }
        return nil
    }

    private struct Shard: Sendable {
        /// Hashes of claimed keys; 0 marks an empty slot (``finish(_:)`` never yields 0).
        var keys = [UInt64](repeating: 0, count: 16)
        var rows = [Int32](repeating: 0, count: 16)
        var count = 0
        var mask = 15

        /// Loads the key and row slots `key` starts at (for ``DuplicateTracker/touch(_:)``).
        func peek(_ key: UInt64) -> UInt64 {
            let slot = Int(truncatingIfNeeded: key) & mask
            return keys[slot] &+ UInt64(truncatingIfNeeded: rows[slot])
        }

        func find(_ key: UInt64) -> Int? {
            var slot = Int(truncatingIfNeeded: key) & mask
            while true {
                let k = keys[slot]
                if k == 0 { return nil }
                if k == key { return Int(rows[slot]) }
                slot = (slot + 1) & mask
            }
        }

        /// ``find(_:)``, and when the key is not there, ``insert(_:_:)`` (the table ends the same).
        mutating func findOrInsert(_ key: UInt64, _ row: Int32) -> Int? {
            var slot = Int(truncatingIfNeeded: key) & mask
            while true {
                let k = keys[slot]
                if k == key { return Int(rows[slot]) }
                if k == 0 { break }
                slot = (slot + 1) & mask
            }
            if (count + 1) * 4 > keys.count * 3 {
                insert(key, row) // grows, then probes the new table
            } else {
                keys[slot] = key
                rows[slot] = row
                count += 1
            }
            return nil
        }

        mutating func insert(_ key: UInt64, _ row: Int32) {
            if (count + 1) * 4 > keys.count * 3 { grow() }
            var slot = Int(truncatingIfNeeded: key) & mask
            while keys[slot] != 0 {
                if keys[slot] == key { return } // the same key claimed twice by one row
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
    }

    /// The hash of the key's UTF-8 bytes, with a salt byte so e-mails and ids never collide by kind.
    static func hash(_ key: String, salt: UInt8) -> UInt64 {
        var key = key
        return key.withUTF8 { hash($0, salt: salt, lowercasingASCII: false)! }
    }

    /// The bytes taken eight at a time (the last word zero-padded, the length mixed in first so
    /// that padding cannot collide with zero bytes), each folded in with a 64×64→128-bit multiply
    /// (as wyhash does), then a splitmix64 avalanche so the table's slots spread well. Never 0.
    /// With `lowercasingASCII`, ASCII capitals count as their small letters, and a non-ASCII byte
    /// gives `nil` (the caller lowercases such a key as `String` does). It replaced a byte-at-a-time
    /// FNV-1a, whose dependent multiply per byte made hashing e-mails ~5 % of a validate run.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, salt: UInt8, lowercasingASCII: Bool) -> UInt64? {
        let n = bytes.count
        var h: UInt64 = 0x243f_6a88_85a3_08d3 ^ UInt64(salt) ^ (UInt64(truncatingIfNeeded: n) &* 0x9e37_79b9_7f4a_7c15)
        guard n > 0, let p = bytes.baseAddress else { return finish(h) }
        var i = 0
        var highs: UInt64 = 0
        while true {
            var w: UInt64
            if i &+ 8 <= n {
                w = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            } else {
                w = 0
                var j = n &- 1
                while j >= i {
                    w = w << 8 | UInt64(p[j])
                    j &-= 1
                }
            }
            if lowercasingASCII {
                highs |= w
                // For bytes below 0x80 (checked below, once): bit 7 of `w + 0x3F` is set from 'A'
                // (0x41) up, bit 7 of `w + 0x25` from '[' (0x5B) up; no carry crosses a byte.
                let upper = (w &+ 0x3f3f_3f3f_3f3f_3f3f) & ~(w &+ 0x2525_2525_2525_2525) & 0x8080_8080_8080_8080
                w |= upper >> 2
            }
            let m = (h ^ w).multipliedFullWidth(by: 0xa076_1d64_78bd_642f)
            h = m.high ^ UInt64(m.low)
            i &+= 8
            if i >= n { break }
        }
        if lowercasingASCII && highs & 0x8080_8080_8080_8080 != 0 { return nil }
        return finish(h)
    }

    /// A splitmix64 avalanche, never 0 (the table's empty mark).
    @inline(__always)
    private static func finish(_ h: UInt64) -> UInt64 {
        var h = h
        h ^= h >> 30; h &*= 0xbf58_476d_1ce4_e5b9
        h ^= h >> 27; h &*= 0x94d0_49bb_1331_11eb
        h ^= h >> 31
        return h == 0 ? 1 : h
    }
}
