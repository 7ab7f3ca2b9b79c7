/// Finds which of a fixed list of names an object key is, without making a `String` of the key:
/// a reader switches on the returned index instead of comparing strings per field.
///
/// Names are grouped by length, so a key is compared byte for byte with at most the few names of
/// its own length (for a resource's 36 names: one to four comparisons).
public struct JSONKeyTable: Sendable {
    /// `byLength[n]`: (bytes, index) of the names n bytes long.
    private let byLength: [[(bytes: [UInt8], index: Int)]]

    /// A table of `names`; the index of a name is its position in the list.
    public init(_ names: [String]) {
        let longest = names.map(\.utf8.count).max() ?? 0
        var groups = [[(bytes: [UInt8], index: Int)]](repeating: [], count: longest + 1)
        for (index, name) in names.enumerated() {
            groups[name.utf8.count].append((Array(name.utf8), index))
        }
        byLength = groups
    }

    /// The index of the name equal to `key`, or `nil` for a key not in the table.
    public func index(of key: JSONKey) -> Int? {
        key.withBytes { bytes in
            guard bytes.count < byLength.count else { return nil }
            for candidate in byLength[bytes.count] where candidate.bytes.withUnsafeBufferPointer({ name in
                memoryEqual(name, bytes)
            }) {
                return candidate.index
            }
            return nil
        }
    }
}

/// Byte-for-byte equality of two buffers of the same length.
@inline(__always)
private func memoryEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    var i = 0
    while i < a.count {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
