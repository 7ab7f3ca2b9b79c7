import Foundation

/// The checksum each journal line carries, so that a line changed after it was written (a row
/// number edited, a status flipped) is found, never trusted.
///
/// A sealed line is the entry's JSON object with one more key at its end:
/// `{…,"sum":"0123456789abcdef"}`, the 64-bit FNV-1a of the object without that key, as 16 lower-case
/// hex digits. It guards against accidents and naive edits, not against someone who recomputes it.
enum JournalLineSeal {
    private static let key = Array(#","sum":""#.utf8)
    /// `,"sum":"` + 16 hex digits + `"}`.
    private static let trailerLength = key.count + 16 + 2

    /// Seals `line` (a JSON object, `{…}`) in place: its closing brace becomes the checksum's
    /// key and value and the brace again, with no copy of the line.
    static func seal(_ line: inout [UInt8]) {
        guard !line.isEmpty else { return }
        var hasher = FNV1a64()
        line.withUnsafeBytes { hasher.combine($0) }
        line.removeLast()
        line.append(contentsOf: key)
        line.append(contentsOf: hex(hasher.value))
        line.append(0x22)
        line.append(0x7D)
    }

    /// `body` (a JSON object, `{…}`) with its checksum.
    static func seal(_ body: Data) -> Data {
        var line = body.dropLast()
        line.append(contentsOf: key)
        line.append(contentsOf: hex(checksum(body)))
        line.append(contentsOf: Array(#""}"#.utf8))
        return Data(line)
    }

    /// What a line says about its checksum.
    enum Verdict: Equatable {
        /// The checksum matches; `body` is the line without it.
        case intact(body: Data)
        /// The line has no checksum (written by a version that did not seal lines).
        case unsealed
        /// The checksum does not match the line.
        case changed
    }

    static func check(_ line: Data) -> Verdict {
        let bytes = [UInt8](line)
        guard bytes.count >= trailerLength + 2, bytes.suffix(2) == [0x22, 0x7D],
              Array(bytes[(bytes.count - trailerLength)..<(bytes.count - trailerLength + key.count)]) == key
        else { return .unsealed }
        var body = Data(bytes[..<(bytes.count - trailerLength)])
        body.append(0x7D)
        let recorded = bytes[(bytes.count - 18)..<(bytes.count - 2)]
        return Array(recorded) == hex(checksum(body)) ? .intact(body: body) : .changed
    }

    private static func checksum(_ body: Data) -> UInt64 {
        var hasher = FNV1a64()
        body.withUnsafeBytes { hasher.combine($0) }  // a raw buffer: Data's iterator costs a call per byte
        return hasher.value
    }

    private static func hex(_ value: UInt64) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return (0..<16).map { digits[Int((value >> UInt64(60 - 4 * $0)) & 0xF)] }
    }
}
