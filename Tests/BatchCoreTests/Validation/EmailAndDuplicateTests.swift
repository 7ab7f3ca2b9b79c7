import Testing
import TestSupport
@testable import BatchCore
@testable import BatchRules

@Suite struct EmailAddressTests {
    @Test(arguments: [
        "a@b.example", "first.last+tag@sub.acme-google.example", "o'brien@x.example", "x_y-z@xn--bcher-kva.example",
        "zoë@x.example", "UPPER@CASE.EXAMPLE",
    ])
    func wellFormed(address: String) {
        #expect(EmailAddress.problem(address) == nil, "\(address)")
    }

    @Test(arguments: [
        ("plain", "has no @"), ("a@@b.example", "has more than one @"), ("@b.example", "has nothing before the @"),
        ("a@", "has no domain after the @"), (".a@b.example", "starts or ends with a dot before the @"),
        ("a.@b.example", "starts or ends with a dot before the @"), ("a..b@c.example", "has two dots in a row"),
        ("a b@c.example", "contains ' ', which an address cannot hold"), ("a@localhost", "has a domain without a dot"),
        ("a@b..example", "has an empty label in its domain"), ("a@-b.example", "has a domain label starting or ending with '-'"),
        ("a@b_c.example", "has '_' in its domain"), ("a@bücher.example", "has a non-ASCII domain (write it in punycode, xn--…)"),
        ("a@1.2.3.4", "has a numeric top-level domain"),
    ])
    func problems(address: String, problem: String) {
        #expect(EmailAddress.problem(address) == problem, "\(address)")
    }

    /// The byte classes as bit words agree with the rules they encode, for every byte.
    @Test func byteClassWordsMatchTheRules() {
        for b in 0...255 {
            let b = UInt8(b)
            #expect(EmailAddress.isLocalByte(b) == (EmailAddress.isAtext(b) || b == 0x2E || b >= 0x80), "\(b)")
            #expect(EmailAddress.isDomainByte(b) == (EmailAddress.isAlnum(b) || b == 0x2D), "\(b)")
        }
    }

    @Test func lengthLimits() {
        #expect(EmailAddress.problem(String(repeating: "a", count: 65) + "@b.example") == "has more than 64 characters before the @")
        #expect(EmailAddress.problem("a@" + String(repeating: "b", count: 64) + ".example") == "has a domain label longer than 63 characters")
        let long = String(repeating: "a", count: 60) + "@" + Array(repeating: String(repeating: "b", count: 60), count: 4).joined(separator: ".") + ".example"
        #expect(EmailAddress.problem(long) == "is longer than 254 characters")
    }

    @Test func keyIsLowercased() {
        #expect(EmailAddress.key("Ana.Lima@Gmail.COM") == "ana.lima@gmail.com")
    }

    /// The one-pass shortcut must accept exactly what the ordered checks accept: random
    /// addresses from an alphabet of the bytes the rules care about, plus long and edge ones.
    @Test func onePassShortcutAgreesWithTheOrderedChecks() {
        let alphabet: [UInt8] = Array("aZ09.@-_+ \u{7F}".utf8) + [0xC3, 0xA9, 0x2E, 0x2E, 0x61, 0x62, 0x40]
        var rng = SeededRandom(seed: 0x5eed) // fixed seed: the same samples every run
        var samples: [[UInt8]] = []
        for _ in 0..<200_000 {
            let n = Int.random(in: 0...14, using: &rng)
            samples.append((0..<n).map { _ in alphabet.randomElement(using: &rng)! })
        }
        // Longer ones too: the shortcut reads eight bytes at a time, so several words and tails.
        let likely: [UInt8] = Array("abcxyz0189.-@".utf8)
        for _ in 0..<60_000 {
            let n = Int.random(in: 15...40, using: &rng)
            samples.append((0..<n).map { _ in (Bool.random(using: &rng) ? likely : alphabet).randomElement(using: &rng)! })
        }
        for local in [1, 63, 64, 65] {
            for label in [1, 62, 63, 64] {
                for tld in ["com", "123", "c1", "-c", "c-"] {
                    samples.append(Array((String(repeating: "a", count: local) + "@" + String(repeating: "b", count: label) + "." + tld).utf8))
                }
            }
        }
        samples.append(Array((String(repeating: "a", count: 60) + "@" + String(repeating: "b.", count: 96) + "com").utf8))
        samples.append(Array((String(repeating: "a", count: 60) + "@" + String(repeating: "b.", count: 95) + "com").utf8))
        // Up to 70 bytes too: the SSE2 masks take 16 to 64.
        for _ in 0..<60_000 {
            let n = Int.random(in: 41...70, using: &rng)
            samples.append((0..<n).map { _ in (Int.random(in: 0..<4, using: &rng) > 0 ? likely : alphabet).randomElement(using: &rng)! })
        }
        // Well-formed addresses of 16 to 70 bytes, and each with one byte changed: near misses
        // of every rule (a dot doubled or moved to an edge, a hyphen at a label's edge, a second @…).
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let changes = Array("@.-_+ 0a\"(,;[é".utf8)
        for _ in 0..<20_000 {
            func word(_ k: Int) -> [UInt8] { (0..<k).map { _ in letters.randomElement(using: &rng)! } }
            var address = word(Int.random(in: 1...12, using: &rng)) + [0x2E] + word(Int.random(in: 1...20, using: &rng)) + [0x40]
            for _ in 0..<Int.random(in: 1...3, using: &rng) { address += word(Int.random(in: 1...10, using: &rng)) + [0x2E] }
            address += Bool.random(using: &rng) ? Array("example".utf8) : word(Int.random(in: 1...4, using: &rng))
            samples.append(address)
            var changed = address
            changed[Int.random(in: 0..<changed.count, using: &rng)] = changes.randomElement(using: &rng)!
            samples.append(changed)
        }
        var valid = 0
        var masked = 0
        for bytes in samples {
            let fast = EmailAddress.problem(utf8: bytes.span)
            let ordered = EmailAddress.orderedChecksProblem(utf8: bytes.span)
            #expect(fast == ordered, "\(bytes)")
            #expect(EmailAddress.isValidByBytes(bytes.span) == (ordered == nil), "bytes \(bytes)")
            #if arch(x86_64) && canImport(_Builtin_intrinsics)
            if let byMasks = EmailAddress.isValidByMasks(bytes.span) {
                #expect(byMasks == (ordered == nil), "masks \(bytes)")
                if byMasks { masked += 1 }
            }
            #endif
            if ordered == nil { valid += 1 }
        }
        #if arch(x86_64) && canImport(_Builtin_intrinsics)
        #expect(masked > 100)
        #endif
        #expect(valid > 100)
    }
}

@Suite struct DuplicateTrackerTests {
    @Test func sameEmailIgnoringCaseIsADuplicateOfTheFirstRow() {
        var t = DuplicateTracker()
        #expect(t.claim(row: 1, emailKey: EmailAddress.key("Ana@X.example"), id: nil) == nil)
        #expect(t.claim(row: 2, emailKey: EmailAddress.key("ben@x.example"), id: nil) == nil)
        let dup = t.claim(row: 3, emailKey: EmailAddress.key("ana@x.EXAMPLE"), id: nil)
        #expect(dup?.row == 1 && dup?.key == .email)
        let again = t.claim(row: 4, emailKey: "ana@x.example", id: nil)
        #expect(again?.row == 1, "the first row is named, not the previous duplicate")
    }

    @Test func sameIdIsADuplicate() {
        var t = DuplicateTracker()
        #expect(t.claim(row: 1, emailKey: nil, id: "42") == nil)
        let dup = t.claim(row: 5, emailKey: "other@x.example", id: "42")
        #expect(dup?.row == 1 && dup?.key == .id)
        // The duplicate claimed nothing: its e-mail is still free.
        #expect(t.claim(row: 6, emailKey: "other@x.example", id: nil) == nil)
    }

    @Test func emailsAndIdsNeverCollideByKind() {
        var t = DuplicateTracker()
        #expect(t.claim(row: 1, emailKey: "42", id: nil) == nil)
        #expect(t.claim(row: 2, emailKey: nil, id: "42") == nil)
    }

    @Test func rowsWithoutKeysAreNeverDuplicates() {
        var t = DuplicateTracker()
        #expect(t.claim(row: 1, emailKey: nil, id: nil) == nil)
        #expect(t.claim(row: 2, emailKey: nil, id: nil) == nil)
    }

    @Test func keyStrings() {
        #expect(DuplicateTracker.Key.email.rawValue == "e-mail")
        #expect(DuplicateTracker.Key.id.rawValue == "id")
    }
}

/// ``DuplicateTracker/hash(_:salt:lowercasingASCII:)`` takes a key's tail (its last 1 to 7 bytes)
/// from one load of its last eight bytes, shifted: the same word as gathering those bytes one by
/// one, which the reference here still does, for every length around the word boundaries.
@Suite struct DuplicateHashTests {
    static func reference(_ bytes: [UInt8], salt: UInt8, lowercasingASCII: Bool) -> UInt64? {
        let n = bytes.count
        var h: UInt64 = 0x243f_6a88_85a3_08d3 ^ UInt64(salt) ^ (UInt64(truncatingIfNeeded: n) &* 0x9e37_79b9_7f4a_7c15)
        var highs: UInt64 = 0
        var i = 0
        while i < n {
            var w: UInt64 = 0
            for j in stride(from: min(i + 8, n) - 1, through: i, by: -1) { w = w << 8 | UInt64(bytes[j]) }
            if lowercasingASCII {
                highs |= w
                w |= ((w &+ 0x3f3f_3f3f_3f3f_3f3f) & ~(w &+ 0x2525_2525_2525_2525) & 0x8080_8080_8080_8080) >> 2
            }
            let m = (h ^ w).multipliedFullWidth(by: 0xa076_1d64_78bd_642f)
            h = m.high ^ UInt64(m.low)
            i += 8
        }
        if lowercasingASCII && highs & 0x8080_8080_8080_8080 != 0 { return nil }
        h ^= h >> 30; h &*= 0xbf58_476d_1ce4_e5b9
        h ^= h >> 27; h &*= 0x94d0_49bb_1331_11eb
        h ^= h >> 31
        return h == 0 ? 1 : h
    }

    @Test func tailsFromOneLoadMatchTheByteGather() {
        var rng = SystemRandomNumberGenerator()
        for length in 0...40 {
            for round in 0..<20 {
                let bytes = (0..<length).map { _ in
                    round % 2 == 0 ? UInt8.random(in: 0x20...0x7E, using: &rng) : UInt8.random(in: 0...0xFF, using: &rng)
                }
                // In a larger buffer, so a load past the key would read other bytes.
                let padded = [0xAA] + bytes + [0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48]
                let key = padded.span.extracting(1..<1 + length)
                for lower in [false, true] {
                    #expect(DuplicateTracker.hash(key, salt: 0x65, lowercasingASCII: lower)
                        == Self.reference(bytes, salt: 0x65, lowercasingASCII: lower), "\(bytes)")
                }
            }
        }
    }
}

/// ``RecentDomains/lastAt(_:)`` looks for the last `@` 16 bytes at a time from the end: it must
/// give the byte loop's answer for every length 0-48 with no `@`, one at each place, or two.
@Suite struct RecentDomainsTests {
    static func byteLoop(_ b: [UInt8]) -> Int {
        var at = b.count - 1
        while at >= 0 && b[at] != 0x40 { at -= 1 }
        return at
    }

    @Test func lastAtMatchesTheByteLoop() {
        for length in 0...48 {
            var cases: [[UInt8]] = [Array(repeating: 0x61, count: length)]
            for k in 0..<length {
                var one = Array(repeating: UInt8(0x61), count: length)
                one[k] = 0x40
                cases.append(one)
                for j in 0..<k where (k - j) % 5 == 1 {
                    var two = one
                    two[j] = 0x40
                    cases.append(two)
                }
            }
            for bytes in cases {
                // Inside a larger buffer with `@` around it: nothing outside the span may count.
                let padded = [0x40] + bytes + [0x40, 0x40]
                #expect(RecentDomains.lastAt(padded.span.extracting(1..<1 + length)) == Self.byteLoop(bytes), "\(bytes)")
            }
        }
    }

    @Test func domainsNumberedOncePerDomain() {
        var recent = RecentDomains()
        let ids = ["a.b@Acme.Example", "x@acme.example", "first.last+tag@sub.acme-google.example", "no-at.example", "x@"]
        let codes = ids.map { id in
            let bytes = Array(id.utf8)
            return recent.code(utf8: bytes.span)
        }
        #expect(codes == [0, 0, 1, -1, -1])
        #expect(recent.names == ["acme.example", "sub.acme-google.example"])
    }
}

/// ``ResourceValidator/sameCells(_:_:_:)`` compares two cells of a batch 16 or 8 bytes at a time:
/// for every length 0-40, equal cells are the same and a difference at any byte is found, the
/// cells placed back to back and apart in one buffer.
@Suite struct SameCellsTests {
    static func entry(_ start: Int, _ end: Int) -> UInt64 { UInt64(2) << 56 | UInt64(start) << 28 | UInt64(end) }

    @Test func everyLengthAndEveryDifference() {
        for n in 0...40 {
            let a = (0..<n).map { UInt8(0x61 + $0 % 26) }
            for gap in [0, 3] {
                for k in -1..<n {
                    var b = a
                    if k >= 0 { b[k] ^= 0x20 }
                    let text = [0x7A] + a + Array(repeating: 0x2C, count: gap) + b + [0x7A]
                    let ea = Self.entry(1, 1 + n), eb = Self.entry(1 + n + gap, 1 + 2 * n + gap)
                    let same = ResourceValidator.sameCells(text.span, n == 0 ? 0 : ea, n == 0 ? 0 : eb)
                    #expect(same == (n > 0 && k < 0), "n \(n) gap \(gap) k \(k)")
                }
            }
        }
        let text = Array("abcdefghij".utf8)
        let lengthsDiffer = ResourceValidator.sameCells(text.span, Self.entry(0, 5), Self.entry(5, 9))
        #expect(!lengthsDiffer)
    }
}
