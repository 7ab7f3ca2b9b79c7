import BatchModel
import BatchInput
import CSVCodec

/// Finds rows that repeat an e-mail or id of an earlier row in the same file, with a fixed-size
/// entry per key in memory and never merging two different keys.
///
/// **Memory.** Each claimed key costs one 8-byte slot: 28 bits of its 64-bit hash (the *tag*) and
/// where its bytes sit in a spill file (``ByteSpill``, an unlinked temporary file). The table is
/// open addressing with linear probing, split into 64 shards by the hash's top 6 bits; a shard
/// holds at most 3/4 of its slots and grows by half (not doubling), so a key costs 10.7–16 bytes
/// of table, and ``reserve(keys:)`` sizes the table from the input (the pipeline estimates the
/// rows from the file size) so that a run usually never grows it. The key bytes themselves, on
/// disk, cost page cache and no RSS. A 2 GB file of valid rows therefore costs ~200 MB of table
/// rather than the 1.6 GB that keeping hashes in power-of-two tables (and keys before that) cost.
///
/// **No false duplicates.** A slot whose tag equals the key's is only a candidate: the earlier
/// key's bytes are read back from the spill (a `pread`, or memory for the newest 256 KiB) and
/// compared, e-mails as ``EmailAddress/key(_:)`` compares them, ids byte for byte; a different key
/// with the same tag is skipped and probing goes on. Candidates of different keys happen about
/// once per 2²⁸ comparisons, so the read happens for real duplicates almost only. Spilling rather
/// than re-reading the input at the row's offset works for every input (standard input, JSON
/// Lines, XLSX) and needs no second parse; if the spill file cannot be written (a full disk) the
/// spill keeps the keys in memory instead: the answer stays exact, only memory grows.
///
/// The row a duplicate names is stored in the spill record too (the slot has no room for it).
public struct DuplicateTracker {
    private var shards: [Shard]
    private let spill: ByteSpill
    private static let shardBits = 6
    private static let shardCount = 1 << shardBits
    /// Keys claimed so far.
    public private(set) var keyCount = 0

    /// - Parameter expectedKeys: how many keys the table should hold without growing.
    public init(expectedKeys: Int = 0, spill: ByteSpill = ByteSpill()) {
        self.spill = spill
        shards = Array(repeating: Shard(capacity: Self.shardCapacity(expectedKeys)), count: Self.shardCount)
    }

    /// A shard's capacity for `keys` keys in all: about 70 % full once they are all in.
    private static func shardCapacity(_ keys: Int) -> Int { max(16, keys / shardCount * 10 / 7 + 1) }

    /// Grows the table (now) to hold `keys` keys in all without growing again.
    public mutating func reserve(keys: Int) {
        let capacity = Self.shardCapacity(keys)
        for s in shards.indices where shards[s].slots.count < capacity { shards[s].rebuild(capacity: capacity) }
    }

    /// Sizes the table for a whole input from its start: `keys` keys in its first `bytesRead`
    /// bytes, of `totalBytes` in all (plus 5 %), so that the table is allocated once at about
    /// 70 % full instead of growing (a growth holds old and new slots of a shard at once).
    public mutating func reserve(keys: Int, seenIn bytesRead: Int, ofInput totalBytes: Int) {
        guard bytesRead > 0, totalBytes > 0 else { return }
        let estimate = Double(keys) * Double(totalBytes) / Double(bytesRead) * 1.05
        if estimate.isFinite, estimate < 1e10 { reserve(keys: Int(estimate)) }
    }

    /// Bytes of table in memory (not counting the spill's in-memory tail): for tests and benchmarks.
    public var tableBytes: Int { shards.reduce(0) { $0 + 8 * $1.slots.count } }

    @inline(__always)
    private static func shard(_ h: UInt64) -> Int { Int(truncatingIfNeeded: h >> UInt64(64 - shardBits)) }
    /// The 28 hash bits below the shard bits: where the key's probe starts, and its filter.
    @inline(__always)
    private static func tag(_ h: UInt64) -> UInt64 { (h >> 30) & Shard.tagMask }

    /// What a repeated row repeats.
    public enum Key: String, Sendable { case email = "e-mail", id }

    /// Claims the row's e-mail key and id; returns the earlier row that holds either, or `nil`.
    /// A row that is itself a duplicate claims nothing.
    public mutating func claim(row: Int, emailKey: String?, id: String?) -> (row: Int, key: Key)? {
        let e = emailKey.map { Array($0.utf8) } ?? []
        let i = id.map { Array($0.utf8) } ?? []
        return claim(row: row, emailHash: emailKey.map(Self.emailHash), email: e.span,
                     idHash: id.map(Self.idHash), id: i.span)
    }

    /// ``claim(row:emailKey:id:)`` for a row of the input, its keys already hashed (`nil`: the row
    /// has no such key); the key bytes are read from the input where they are.
    mutating func claim(row: Int, emailHash: UInt64?, idHash: UInt64?, in input: ResourceInput) -> (row: Int, key: Key)? {
        switch (emailHash, idHash) {
        case (nil, nil):
            return nil
        case let (e?, nil):
            return input.withSpan(.email) { claim(row: row, emailHash: e, email: $0, idHash: nil, id: Span()) } ?? nil
        case let (nil, i?):
            return input.withSpan(.id) { claim(row: row, emailHash: nil, email: Span(), idHash: i, id: $0) } ?? nil
        case let (e?, i?):
            return input.withSpan(.email) { email in
                input.withSpan(.id) { id in claim(row: row, emailHash: e, email: email, idHash: i, id: id) } ?? nil
            } ?? nil
        }
    }

    /// The claim itself: keys given as bytes (an e-mail as written; its key is its lowercase).
    mutating func claim(row: Int, emailHash: UInt64?, email: Span<UInt8>, idHash: UInt64?, id: Span<UInt8>) -> (row: Int, key: Key)? {
        precondition(row >= 0 && row <= Int(UInt32.max), "row numbers above 2³² are not tracked")
        // One key (the usual row): found or claimed in one probe sequence of its shard.
        if let e = emailHash, idHash == nil {
            return findOrInsert(.email, e, email, row: row).map { ($0, .email) }
        }
        if let i = idHash, emailHash == nil {
            return findOrInsert(.id, i, id, row: row).map { ($0, .id) }
        }
        guard let e = emailHash, let i = idHash else { return nil }
        if let first = find(.email, e, email) { return (first, .email) }
        if let first = find(.id, i, id) { return (first, .id) }
        _ = findOrInsert(.email, e, email, row: row)
        _ = findOrInsert(.id, i, id, row: row)
        return nil
    }

    /// The earlier row holding the key, or `nil`.
    private func find(_ kind: Key, _ h: UInt64, _ key: Span<UInt8>) -> Int? {
        let tag = Self.tag(h)
        return shards[Self.shard(h)].find(tag: tag) { verify($0, kind, key) }
    }

    /// The earlier row holding the key; when none, claims it for `row` and returns `nil`.
    @inline(__always)
    private mutating func findOrInsert(_ kind: Key, _ h: UInt64, _ key: Span<UInt8>, row: Int) -> Int? {
        let tag = Self.tag(h)
        let s = Self.shard(h)
        if let first = shards[s].find(tag: tag, verify: { verify($0, kind, key) }) { return first }
        let record = write(kind, key, row: row)
        shards[s].insert(tag: tag, record: record)
        keyCount += 1
        return nil
    }

    /// Appends the key's record to the spill: row (4 bytes), kind and length (4 bytes), the key's
    /// bytes, zeros to a multiple of 8. Returns its offset / 8.
    @inline(__always)
    private func write(_ kind: Key, _ key: Span<UInt8>, row: Int) -> UInt64 {
        precondition(key.count < 1 << 31, "a key longer than 2 GiB")
        let kindLength = UInt64((kind == .email ? 1 << 31 : 0) | UInt32(key.count))
        let offset = spill.appendRecord(header: UInt64(truncatingIfNeeded: row) | kindLength << 32, key)
        return UInt64(offset / 8)
    }

    /// The row of the spill record at `record` (offset / 8) when it holds this key, else `nil`.
    private func verify(_ record: UInt64, _ kind: Key, _ key: Span<UInt8>) -> Int? {
        let offset = Int(record) * 8
        let header = spill.read(at: offset, count: 8)
        let row = Int(header[0]) | Int(header[1]) << 8 | Int(header[2]) << 16 | Int(header[3]) << 24
        let kindLength = UInt32(header[4]) | UInt32(header[5]) << 8 | UInt32(header[6]) << 16 | UInt32(header[7]) << 24
        guard (kindLength >> 31 == 1) == (kind == .email) else { return nil }
        let length = Int(kindLength & 0x7fff_ffff)
        let stored = spill.read(at: offset + 8, count: length)
        let same = kind == .email ? Self.sameEmailKey(stored, key) : Self.sameBytes(stored, key)
        return same ? row : nil
    }

    static func sameBytes(_ a: [UInt8], _ b: Span<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where a[i] != b[i] { return false }
        return true
    }

    /// Whether two e-mails have the same key (``EmailAddress/key(_:)``): ASCII compared ignoring
    /// case, anything else through the `String` key.
    static func sameEmailKey(_ a: [UInt8], _ b: Span<UInt8>) -> Bool {
        var ascii = true
        for x in a where x >= 0x80 { ascii = false }
        for i in 0..<b.count where b[i] >= 0x80 { ascii = false }
        if ascii {
            guard a.count == b.count else { return false }
            for i in 0..<a.count where asciiLower(a[i]) != asciiLower(b[i]) { return false }
            return true
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(b.count)
        for i in 0..<b.count { bytes.append(b[i]) }
        return EmailAddress.key(String(decoding: a, as: UTF8.self)) == EmailAddress.key(String(decoding: bytes, as: UTF8.self))
    }

    @inline(__always) private static func asciiLower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// The hash ``claim(row:emailKey:id:)`` uses for an e-mail key, to compute ahead of time.
    static func emailHash(_ emailKey: String) -> UInt64 { hash(emailKey, salt: 0x65) }
    /// ``emailHash(_:)`` of the key of an e-mail given as UTF-8 bytes (``EmailAddress/key(_:)``
    /// lowercases): ASCII is lowercased on the fly, eight bytes at a time; anything else goes
    /// through `String`.
    static func emailHash(utf8 email: Span<UInt8>) -> UInt64 {
        if let h = hash(email, salt: 0x65, lowercasingASCII: true) { return h }
        var bytes: [UInt8] = []
        for i in 0..<email.count { bytes.append(email[i]) }
        return emailHash(EmailAddress.key(String(decoding: bytes, as: UTF8.self)))
    }

    /// The hash ``claim(row:emailKey:id:)`` uses for an id.
    static func idHash(_ id: String) -> UInt64 { hash(id, salt: 0x69) }
    /// ``idHash(_:)`` of an id given as UTF-8 bytes.
    static func idHash(utf8 id: Span<UInt8>) -> UInt64 { hash(id, salt: 0x69, lowercasingASCII: false)! }

    /// Touches the slots these hashes start at, all before any is needed: the loads overlap instead
    /// of each waiting for memory in turn (the table outgrows the caches after ~100,000 rows).
    /// Returns a value only so that the loads are not optimized away.
    func touch(_ hashes: [UInt64]) -> UInt64 {
        var sum: UInt64 = 0
        for h in hashes where h != 0 { sum &+= shards[Self.shard(h)].peek(tag: Self.tag(h)) }
        return sum
    }

    /// Claims the keys of every row, in order, marking the duplicates among rows without errors
    /// (the pipeline's step): one access to the tracker for a whole batch. Returns how many rows
    /// were duplicates. An invalid row claims its keys too: one key, one row, so a later row with
    /// the same e-mail is skipped rather than created, only for the first row, once fixed, to land
    /// on that resource the next night.
    mutating func claimAll(_ rows: inout [ValidatedRow]) -> Int {
        var found = 0
        for i in rows.indices where rows[i].claimKeys(&self) { found += 1 }
        return found
    }

    /// ``claimAll(_:)`` for a batch arena (``RowArena``): the same claims and duplicates, the keys
    /// read from the batch's bytes where they are.
    mutating func claimAll(_ arena: inout RowArena) -> Int {
        let bytes = arena.bytes // shared, not copied: the loop changes rows only
        let text = bytes.span
        var found = 0
        for i in 0..<arena.count {
            let e = arena.rows[i].emailHash, d = arena.rows[i].idHash
            if e == 0 && d == 0 { continue }
            let email = text.extracting(ArenaRow.range(arena.rows[i].emailEntry) ?? 0..<0) // empty: no such key
            let id = text.extracting(ArenaRow.range(arena.rows[i].idEntry) ?? 0..<0)
            let earlier = claim(row: arena.rows[i].row, emailHash: e == 0 ? nil : e, email: email,
                                idHash: d == 0 ? nil : d, id: id)
            guard !arena.rows[i].hasErrors, let (first, key) = earlier else { continue }
            arena.rows[i].duplicateOf = first
            arena.appendIssue(i, RowIssue(.warning, field: nil, "the same \(key.rawValue) as row \(first); skipped"))
            found += 1
        }
        return found
    }

    /// One shard: slots `tag << 36 | (record + 1)`, 0 for empty.
    private struct Shard {
        static let tagMask: UInt64 = (1 << 28) - 1
        static let recordLimit: UInt64 = (1 << 36) - 1
        var slots: [UInt64]
        var count = 0

        init(capacity: Int) { slots = Array(repeating: 0, count: capacity) }

        /// Where a tag's probe starts: the tag scaled to the capacity (any capacity, not only powers of two).
        @inline(__always)
        func home(_ tag: UInt64) -> Int { Int(truncatingIfNeeded: (tag &* UInt64(slots.count)) >> 28) }

        func peek(tag: UInt64) -> UInt64 { slots[home(tag)] }

        /// The first slot with this tag whose record `verify` accepts (its answer), or `nil`.
        @inline(__always)
        func find(tag: UInt64, verify: (UInt64) -> Int?) -> Int? {
            var j = home(tag)
            let n = slots.count
            while true {
                let v = slots[j]
                if v == 0 { return nil }
                if v >> 36 == tag, let row = verify((v & Self.recordLimit) - 1) { return row }
                j += 1
                if j == n { j = 0 }
            }
        }

        /// Puts a key known to be absent in the first empty slot of its probe, growing first when
        /// the shard would be more than 3/4 full. Inlined with `place`: once per new key, where two
        /// calls cost more than the probe.
        @inline(__always)
        mutating func insert(tag: UInt64, record: UInt64) {
            precondition(record < Self.recordLimit, "the duplicate spill is limited to 512 GiB")
            if (count + 1) * 4 > slots.count * 3 { rebuild(capacity: slots.count + slots.count / 2) }
            place(tag << 36 | (record + 1))
            count += 1
        }

        @inline(__always)
        private mutating func place(_ value: UInt64) {
            var j = home(value >> 36)
            let n = slots.count
            while slots[j] != 0 {
                j += 1
                if j == n { j = 0 }
            }
            slots[j] = value
        }

        /// Moves every slot into a table of `capacity` slots (the tag says where each starts).
        mutating func rebuild(capacity: Int) {
            let old = slots
            slots = Array(repeating: 0, count: capacity)
            for v in old where v != 0 { place(v) }
        }
    }

    /// The hash of the key's UTF-8 bytes, with a salt byte so e-mails and ids never collide by kind.
    static func hash(_ key: String, salt: UInt8) -> UInt64 {
        let bytes = Array(key.utf8)
        return hash(bytes.span, salt: salt, lowercasingASCII: false)!
    }

    /// The bytes taken eight at a time (the last word zero-padded, the length mixed in first so
    /// that padding cannot collide with zero bytes), each folded in with a 64×64→128-bit multiply
    /// (as wyhash does), then a splitmix64 avalanche so the table's slots spread well. Never 0.
    /// With `lowercasingASCII`, ASCII capitals count as their small letters, and a non-ASCII byte
    /// gives `nil` (the caller lowercases such a key as `String` does). It replaced a byte-at-a-time
    /// FNV-1a, whose dependent multiply per byte made hashing e-mails ~5 % of a validate run.
    @inline(__always)
    static func hash(_ bytes: Span<UInt8>, salt: UInt8, lowercasingASCII: Bool) -> UInt64? {
        let n = bytes.count
        var h: UInt64 = 0x243f_6a88_85a3_08d3 ^ UInt64(salt) ^ (UInt64(truncatingIfNeeded: n) &* 0x9e37_79b9_7f4a_7c15)
        guard n > 0 else { return finish(h) }
        let raw = bytes.bytes
        var i = 0
        var highs: UInt64 = 0
        while true {
            var w: UInt64
            if i &+ 8 <= n {
                // Memory-safe despite the name: RawSpan checks the 8 bytes are inside it, and every
                // bit pattern is a valid UInt64 (the "unsafe" is only about the loaded type).
                w = UInt64(littleEndian: raw.unsafeLoadUnaligned(fromByteOffset: i, as: UInt64.self))
            } else if n >= 8 {
                // The tail (n - i bytes, 1 to 7) from the key's last eight bytes, shifted down: the
                // same word the byte-by-byte gather below makes, in one load.
                let last = UInt64(littleEndian: raw.unsafeLoadUnaligned(fromByteOffset: n &- 8, as: UInt64.self))
                w = last &>> UInt64(truncatingIfNeeded: (8 &- (n &- i)) &* 8)
            } else {
                w = 0
                var j = n &- 1
                while j >= i {
                    w = w << 8 | UInt64(bytes[j])
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
