
/// Numbers the calendar domains rows name (lowercased, as ``ValidatedRow/hostingCheck`` gives
/// them), so that the pipeline keeps a row's domain as a small code instead of a `String`.
///
/// A file names few domains: a row's domain is found by its bytes (``ByteKeyCache``), and a
/// domain is made into a `String` only the first time it is seen (or when it is not ASCII).
struct RecentDomains {
    private var known = ByteKeyCache(foldingASCIICase: true)
    private var codes: [String: Int32] = [:]
    /// The domains by code.
    private(set) var names: [String] = []

    /// The code of the domain of this calendar id (its UTF-8 bytes), or -1 without one.
    mutating func code(utf8: Span<UInt8>) -> Int32 {
        var at = utf8.count - 1
        while at >= 0 && utf8[at] != 0x40 { at -= 1 }
        guard at >= 0, at + 1 < utf8.count else { return -1 }
        let raw = utf8.extracting((at + 1)...)
        if let code = known.code(for: raw) { return code }
        var text: [UInt8] = []
        text.reserveCapacity(raw.count)
        for j in 0..<raw.count { text.append(raw[j]) }
        let domain = EmailAddress.asciiLowercased(String(decoding: text, as: UTF8.self))
        guard !domain.isEmpty else { return -1 }
        let code: Int32
        if let existing = codes[domain] {
            code = existing
        } else {
            code = Int32(names.count)
            names.append(domain)
            codes[domain] = code
        }
        known.set(code, for: raw)
        return code
    }
}
