
/// Numbers the calendar domains rows name (lowercased, as ``ValidatedRow/hostingCheck`` gives
/// them), so that the pipeline keeps a row's domain as a small code instead of a `String`.
///
/// A file names few domains: the last few are compared as bytes before anything is hashed, and
/// a domain is made into a `String` only the first time it is seen (or when it is not ASCII).
struct RecentDomains {
    private var entries: [(bytes: [UInt8], code: Int32)] = []
    private var next = 0
    private var codes: [String: Int32] = [:]
    /// The domains by code.
    private(set) var names: [String] = []

    /// The code of the domain of this calendar id (its UTF-8 bytes), or -1 without one.
    mutating func code(utf8: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard let at = utf8.lastIndex(of: 0x40), at + 1 < utf8.count else { return -1 }
        let raw = UnsafeBufferPointer(rebasing: utf8[(at + 1)...])
        for e in entries where e.bytes.count == raw.count {
            if e.bytes.withUnsafeBufferPointer({ b in zip(b, raw).allSatisfy { $0 == Self.asciiLower($1) } }) {
                return e.code
            }
        }
        let domain = EmailAddress.asciiLowercased(String(decoding: raw, as: UTF8.self))
        guard !domain.isEmpty else { return -1 }
        let code: Int32
        if let known = codes[domain] {
            code = known
        } else {
            code = Int32(names.count)
            names.append(domain)
            codes[domain] = code
        }
        if raw.allSatisfy({ $0 < 0x80 }) {
            let entry = (Array(domain.utf8), code)
            if entries.count < 8 { entries.append(entry) } else { entries[next] = entry; next = (next + 1) % 8 }
        }
        return code
    }

    @inline(__always) private static func asciiLower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
}
