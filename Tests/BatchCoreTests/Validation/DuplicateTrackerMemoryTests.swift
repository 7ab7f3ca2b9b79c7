import Testing
import CSVCodec
import TestSupport
@testable import BatchRules

/// The duplicate tracker keeps a fixed-size entry per key and never merges two different keys.
@Suite struct DuplicateTrackerMemoryTests {
    /// Different keys forced onto the same 64-bit hash (as a real collision would be) stay apart:
    /// the tag matches, the bytes read back from the spill do not.
    @Test func differentKeysWithTheSameHashAreNeverMerged() {
        var t = DuplicateTracker(spill: ByteSpill(flushAt: 8)) // every earlier key is read from the file
        let h: UInt64 = 0x1234_5678_9abc_def1
        let a = Array("ana@x.example".utf8), b = Array("ben@x.example".utf8)
        #expect(t.claim(row: 1, emailHash: h, email: a.span, idHash: nil, id: Span()) == nil)
        #expect(t.claim(row: 2, emailHash: h, email: b.span, idHash: nil, id: Span()) == nil,
                "a different address with the same hash is not a duplicate")
        let again = Array("ANA@x.example".utf8)
        let dup = t.claim(row: 3, emailHash: h, email: again.span, idHash: nil, id: Span())
        #expect(dup?.row == 1 && dup?.key == .email, "the same key (ignoring case) still is")
        let benAgain = t.claim(row: 4, emailHash: h, email: b.span, idHash: nil, id: Span())
        #expect(benAgain?.row == 2)
        // An id with the same bytes and hash as an e-mail is another kind of key.
        #expect(t.claim(row: 5, emailHash: nil, email: Span(), idHash: h, id: a.span) == nil)
    }

    @Test func nonASCIIAddressesCompareByTheirKey() {
        var t = DuplicateTracker()
        #expect(t.claim(row: 1, emailKey: EmailAddress.key("Åsa@x.example"), id: nil) == nil)
        let bytes = Array("åsa@X.example".utf8)
        let dup = t.claim(row: 2, emailHash: DuplicateTracker.emailHash(utf8: bytes.span), email: bytes.span,
                          idHash: nil, id: Span())
        #expect(dup?.row == 1)
    }

    /// 200,000 keys, growing from nothing (shards grow by half) and sized up front: every repeat
    /// found, nothing else, and the table within 16 bytes a key grown, 12 sized (8-byte slots).
    @Test(arguments: [false, true])
    func memoryPerKeyStaysFixed(sized: Bool) {
        let n = 200_000
        var t = DuplicateTracker(expectedKeys: sized ? n : 0)
        for i in 0..<n {
            #expect(t.claim(row: i + 1, emailKey: "user\(i)@x.example", id: nil) == nil)
        }
        for i in stride(from: 0, to: n, by: 997) {
            #expect(t.claim(row: n + i + 1, emailKey: "user\(i)@x.example", id: nil)?.row == i + 1)
        }
        #expect(t.keyCount == n)
        let perKey = Double(t.tableBytes) / Double(n)
        #expect(perKey <= (sized ? 12.0 : 16.5), "\(perKey) bytes a key")
    }
}

@Suite struct ByteKeyCacheTests {
    @Test func findsWhatWasStoredAndNothingElse() {
        var c = ByteKeyCache(foldingASCIICase: true)
        let names = ["gmail.com", "outlook.com", "contoso-ms.example", "acme-google.example", "a", "", "live.com"]
        for (i, name) in names.enumerated() { let b = Array(name.utf8); c.set(Int32(i), for: b.span) }
        for (i, name) in names.enumerated() {
            let upper = Array(name.uppercased().utf8)
            #expect(c.code(for: upper.span) == Int32(i), "\(name)")
        }
        let other = Array("gmail.co".utf8), longer = Array("contoso-ms.examplf".utf8)
        #expect(c.code(for: other.span) == nil)
        #expect(c.code(for: longer.span) == nil)
        let exact = ByteKeyCache(foldingASCIICase: false)
        let b = Array("x".utf8)
        #expect(exact.code(for: b.span) == nil)
    }

    /// Random keys of 1 to 30 bytes (the two-word compare takes 8 to 16): a look-up gives the
    /// code stored for the same key (any case, when folding) or nothing, never another key's.
    @Test(arguments: [true, false])
    func neverAnswersWithAnotherKeysCode(folding: Bool) {
        var rng = SeededRandom(seed: folding ? 41 : 42)
        let alphabet = Array("abcXYZ019.-_".utf8)
        var c = ByteKeyCache(foldingASCIICase: folding)
        var model: [[UInt8]: Int32] = [:]
        func norm(_ k: [UInt8]) -> [UInt8] { folding ? k.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } : k }
        var keys: [[UInt8]] = []
        for i in 0..<3000 {
            let k = (0..<Int.random(in: 1...30, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            keys.append(k)
            c.set(Int32(i), for: k.span)
            model[norm(k)] = Int32(i)
            #expect(c.code(for: k.span) == Int32(i), "just stored \(k)")
        }
        var found = 0
        for k in keys {
            let got = c.code(for: k.span)
            if let got { #expect(got == model[norm(k)], "\(k)") ; found += 1 }
            // A near miss: the key with its last byte changed is another key, or nothing.
            var near = k
            near[near.count - 1] = near[near.count - 1] == 0x61 ? 0x62 : 0x61
            if let other = c.code(for: near.span) { #expect(other == model[norm(near)], "near \(near)") }
        }
        #expect(found > 100)
    }
}
