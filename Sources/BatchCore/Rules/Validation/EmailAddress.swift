
/// A pragmatic, byte-level e-mail syntax check: what OnSched and mail servers accept in practice.
public enum EmailAddress {
    /// Why `text` is not a usable address, or `nil` when it is one.
    public static func problem(_ text: String) -> String? {
        problem(utf8: text.utf8.span)
    }

    /// ``problem(_:)`` on UTF-8 bytes, allocating nothing unless there is a problem to describe.
    /// The checks run in a fixed order, so an address with several faults always gets the same message.
    /// Bounds-checked `Span` reads, no pointer (issue 11); the byte classes are two 256-entry
    /// `InlineArray` tables read through their `Span`s (a byte always indexes inside them).
    /// Inlined: a thin dispatch the row checks call once or twice a row.
    @inline(__always)
    public static func problem(utf8: Span<UInt8>) -> String? {
        // The tables are global arrays read through their spans: no copy of a table per call
        // (an `InlineArray` global was copied, 256 bytes, to take its span), no check per byte.
        // Nearly every address is valid: one pass says so; the ordered checks run only
        // to name the problem of one that is not.
        #if arch(x86_64) && canImport(_Builtin_intrinsics)
        if let valid = isValidByMasks(utf8) { return valid ? nil : orderedChecksProblem(utf8: utf8) }
        #endif
        let local = localClass.span, domain = domainClass.span
        return isValid(utf8, local, domain) ? nil : orderedChecksProblem(utf8: utf8)
    }

    /// The byte loop's one-pass verdict (``isValid(_:_:_:)``), whatever the length (for tests:
    /// ``problem(utf8:)`` takes the masks for 16 to 64 bytes on x86-64).
    static func isValidByBytes(_ p: Span<UInt8>) -> Bool { isValid(p, localClass.span, domainClass.span) }

    /// ``problem(utf8:)`` without the one-pass shortcut: the ordered checks alone (for tests).
    static func orderedChecksProblem(utf8: Span<UInt8>) -> String? {
        orderedProblem(utf8)
    }

    /// Whether ``problem(utf8:_:_:)`` finds nothing, in one pass over the bytes instead of four:
    /// the conjunction of its rules (one @ with 1–64 bytes before it, no dot first, last or
    /// doubled there, only local-part bytes; a domain of 2+ labels of 1–63 letters, digits or
    /// inner hyphens, the last one not all digits; at most 254 bytes in all). Each byte costs one
    /// class lookup and one test in the usual case (a letter of either part).
    @inline(__always)
    private static func isValid(_ p: Span<UInt8>, _ localClass: Span<UInt8>, _ domainClass: Span<UInt8>) -> Bool {
        // Tells the optimizer that a byte always indexes inside the tables: no check per lookup.
        precondition(localClass.count == 256 && domainClass.count == 256)
        let n = p.count
        guard n <= 254 else { return false }
        var i = 0
        var afterDot = true // a leading dot fails as a doubled one does
        while true {
            guard i < n else { return false } // no @
            let c = localClass[Int(p[i])]
            if c == Self.localOrdinary {
                afterDot = false
            } else if c == Self.localAt {
                break
            } else if c == Self.invalid || afterDot { // a byte no address holds, or a dot after a dot
                return false
            } else {
                afterDot = true
            }
            i &+= 1
        }
        if i == 0 || i > 64 || afterDot { return false }
        i &+= 1
        var labels = 0
        var labelStart = i
        while true {
            while i < n && domainClass[Int(p[i])] == Self.domainLabel { i &+= 1 }
            let length = i &- labelStart
            if length == 0 || length > 63 || p[labelStart] == 0x2D || p[i &- 1] == 0x2D { return false }
            labels &+= 1
            if i == n {
                // The last label, the top-level domain: not all digits.
                var j = labelStart
                while j < n && p[j] >= 0x30 && p[j] <= 0x39 { j &+= 1 }
                return labels > 1 && j < n
            }
            if domainClass[Int(p[i])] != Self.domainDot { return false } // also a second @
            i &+= 1
            labelStart = i
        }
    }

    private static func orderedProblem(_ utf8: Span<UInt8>) -> String? {
        let count = utf8.count
        if count > 254 { return "is longer than 254 characters" }
        var at = -1
        var ats = 0
        for i in 0..<count where utf8[i] == 0x40 {
            at = i
            ats += 1
        }
        guard ats > 0 else { return "has no @" }
        if ats > 1 { return "has more than one @" }
        // local = [0, at), domain = (at, count)
        if at == 0 { return "has nothing before the @" }
        if at > 64 { return "has more than 64 characters before the @" }
        if utf8[0] == 0x2E || utf8[at - 1] == 0x2E { return "starts or ends with a dot before the @" }
        var previousDot = false
        for i in 0..<at {
            let b = utf8[i]
            let isDot = b == 0x2E
            if isDot && previousDot { return "has two dots in a row" }
            previousDot = isDot
            if !isLocalByte(b) { return "contains '\(Character(Unicode.Scalar(b)))', which an address cannot hold" }
        }
        let domainStart = at + 1
        if domainStart == count { return "has no domain after the @" }
        var dots = 0
        for i in domainStart..<count where utf8[i] == 0x2E { dots += 1 }
        if dots == 0 { return "has a domain without a dot" }
        var labelStart = domainStart
        while true {
            var labelEnd = labelStart
            while labelEnd < count && utf8[labelEnd] != 0x2E { labelEnd += 1 }
            let length = labelEnd - labelStart
            if length == 0 { return "has an empty label in its domain" }
            if length > 63 { return "has a domain label longer than 63 characters" }
            if utf8[labelStart] == 0x2D || utf8[labelEnd - 1] == 0x2D { return "has a domain label starting or ending with '-'" }
            for i in labelStart..<labelEnd {
                let b = utf8[i]
                if !isDomainByte(b) {
                    return b >= 0x80 ? "has a non-ASCII domain (write it in punycode, xn--…)" : "has '\(Character(Unicode.Scalar(b)))' in its domain"
                }
            }
            if labelEnd == count {
                // The last label, the top-level domain: not all digits.
                var numeric = true
                for i in labelStart..<labelEnd where !(utf8[i] >= 0x30 && utf8[i] <= 0x39) {
                    numeric = false
                    break
                }
                if numeric { return "has a numeric top-level domain" }
                return nil
            }
            labelStart = labelEnd + 1
        }
    }

    /// Byte classes of the one-pass check (``isValid(_:_:_:)``).
    private static let invalid: UInt8 = 0
    private static let localOrdinary: UInt8 = 1, localDot: UInt8 = 2, localAt: UInt8 = 3
    private static let domainLabel: UInt8 = 1, domainDot: UInt8 = 2

    /// The class of each byte in a local part: a byte it may hold other than `.`
    /// (``isLocalByte(_:)``), `.`, `@`, or one it cannot hold.
    static let localClass: [UInt8] = (0...255).map { b -> UInt8 in
        let b = UInt8(b)
        return b == 0x40 ? localAt : b == 0x2E ? localDot : isLocalByte(b) ? localOrdinary : invalid
    }
    /// The class of each byte in a domain: one a label may hold (``isDomainByte(_:)``), `.`, or
    /// any other.
    static let domainClass: [UInt8] = (0...255).map { b -> UInt8 in
        let b = UInt8(b)
        return b == 0x2E ? domainDot : isDomainByte(b) ? domainLabel : invalid
    }

    /// Whether a local part may hold the byte (atext, `.`, any non-ASCII byte): bit `b` of the
    /// two words below for ASCII (checked against ``isAtext(_:)`` byte by byte in the tests).
    @inline(__always) static func isLocalByte(_ b: UInt8) -> Bool {
        if b >= 0x80 { return true }
        let word: UInt64 = b < 64 ? 0xA3FF_ECFA_0000_0000 : 0x7FFF_FFFF_C7FF_FFFE
        return (word >> UInt64(b & 63)) & 1 != 0
    }

    /// Whether a domain label may hold the byte (ASCII letters, digits, `-`), as bits of two words.
    @inline(__always) static func isDomainByte(_ b: UInt8) -> Bool {
        if b >= 0x80 { return false }
        let word: UInt64 = b < 64 ? 0x03FF_2000_0000_0000 : 0x07FF_FFFE_07FF_FFFE
        return (word >> UInt64(b & 63)) & 1 != 0
    }

    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    @inline(__always) static func isAtext(_ b: UInt8) -> Bool {
        if isAlnum(b) { return true }
        switch b {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
             UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
             UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// The address lowercased: the key for matching and duplicate detection.
    public static func key(_ text: String) -> String { asciiLowercased(text) }

    /// `text.lowercased()`, without allocating for ASCII text that is lowercase already (the usual
    /// address) and without Unicode tables for other ASCII text.
    public static func asciiLowercased(_ text: String) -> String {
        let fast: String?? = text.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var upper = false
            for b in bytes {
                if b >= 0x80 { return nil }
                if b >= 0x41 && b <= 0x5A { upper = true }
            }
            guard upper else { return text }
            return String(unsafeUninitializedCapacity: bytes.count) { out in
                for (i, b) in bytes.enumerated() { out[i] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
                return bytes.count
            }
        }
        if case let .some(.some(lowered)) = fast { return lowered }
        return text.lowercased()
    }
}
