/// Finds rows that repeat an e-mail or id of an earlier row in the same file.
///
/// It keeps a 64-bit hash of each key, not the key, so a million rows cost about 25 MB rather
/// than a copy of every address. Two different addresses share a hash with a probability of about
/// n²/2⁶⁵ (3·10⁻⁸ for a million rows), which the report would show as a wrong `skipped`.
public struct DuplicateTracker: Sendable {
    private var firstRow: [UInt64: Int32] = [:]

    public init() {}

    /// What a repeated row repeats.
    public enum Key: String, Sendable { case email = "e-mail", id }

    /// Claims the row's e-mail and id; returns the earlier row that holds either, or `nil`.
    /// A row that is itself a duplicate claims nothing.
    public mutating func claim(row: Int, emailKey: String?, id: String?) -> (row: Int, key: Key)? {
        let keys: [(UInt64, Key)] = [
            emailKey.map { (Self.hash($0, salt: 0x65), Key.email) }, id.map { (Self.hash($0, salt: 0x69), Key.id) },
        ].compactMap { $0 }
        for (k, kind) in keys {
            if let first = firstRow[k] { return (Int(first), kind) }
        }
        for (k, _) in keys { firstRow[k] = Int32(truncatingIfNeeded: row) }
        return nil
    }

    /// FNV-1a over the key's UTF-8 bytes, with a salt byte so e-mails and ids never collide by kind.
    static func hash(_ key: String, salt: UInt8) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        h = (h ^ UInt64(salt)) &* 0x0000_0100_0000_01b3
        for b in key.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        // Final avalanche (splitmix64) so the dictionary's buckets spread well.
        h ^= h >> 30; h &*= 0xbf58_476d_1ce4_e5b9
        h ^= h >> 27; h &*= 0x94d0_49bb_1331_11eb
        h ^= h >> 31
        return h
    }
}
