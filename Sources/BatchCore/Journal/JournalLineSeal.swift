import Foundation
import JSONCodec

/// The checksum each journal line carries, so that a line changed after it was written (a row
/// number edited, a status flipped) is found, never trusted.
///
/// A sealed line is the entry's JSON object with one more key at its end:
/// `{…,"seal":"0123456789abcdef"}`, the ``JournalLineHash`` of the object without that key, as
/// 16 lower-case hex digits (journal version 3). Lines of versions 2 and earlier carry
/// `{…,"sum":"…"}`, the 64-bit FNV-1a, and are still read. Either guards against accidents and
/// naive edits, not against someone who recomputes it.
enum JournalLineSeal {
    private static let key = Array(#","seal":""#.utf8)
    /// The key of version 2's FNV-1a seal.
    private static let fnvKey = Array(#","sum":""#.utf8)

    /// Seals `line` (a JSON object, `{…}`) in place: its closing brace becomes the checksum's
    /// key and value and the brace again, with no copy of the line.
    static func seal(_ line: inout [UInt8]) {
        guard !line.isEmpty else { return }
        let value = line.withUnsafeBytes { JournalLineHash.hash($0) }
        line.removeLast()
        line.append(contentsOf: key)
        line.append(contentsOf: JournalLineHash.hex(value))
        line.append(0x22)
        line.append(0x7D)
    }

    /// Seals the JSON object a writer holds, in the writer's own memory (``seal(_:)-([UInt8])``
    /// without the copy of the line into an array: issue 17).
    static func seal(_ w: inout JSONWriter) {
        let value = w.withBytes { JournalLineHash.hash($0) }
        var trailer = key
        trailer += JournalLineHash.hex(value)
        trailer += [0x22, 0x7D]
        w.removeLastByte()
        trailer.withUnsafeBytes { w.appendRaw($0) }
    }

    /// `body` (a JSON object, `{…}`) with its checksum.
    static func seal(_ body: Data) -> Data {
        var line = [UInt8](body)
        seal(&line)
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
        for (sealKey, hash) in [(key, Self.lineHash), (fnvKey, Self.fnv)] {
            // `…` + key + 16 hex digits + `"}`
            let trailer = sealKey.count + 16 + 2
            guard bytes.count >= trailer + 2, bytes.suffix(2) == [0x22, 0x7D],
                  Array(bytes[(bytes.count - trailer)..<(bytes.count - trailer + sealKey.count)]) == sealKey
            else { continue }
            var body = Data(bytes[..<(bytes.count - trailer)])
            body.append(0x7D)
            let recorded = bytes[(bytes.count - 18)..<(bytes.count - 2)]
            return Array(recorded) == JournalLineHash.hex(hash(body)) ? .intact(body: body) : .changed
        }
        return .unsealed
    }

    private static func lineHash(_ body: Data) -> UInt64 {
        body.withUnsafeBytes { JournalLineHash.hash($0) }
    }

    private static func fnv(_ body: Data) -> UInt64 {
        var hasher = FNV1a64()
        body.withUnsafeBytes { hasher.combine($0) }  // a raw buffer: Data's iterator costs a call per byte
        return hasher.value
    }
}
