import CSVCodec
import Foundation

/// Buffered JSON-lines output to stdout: each record as a JSON array of strings.
struct JSONLinesOutput {
    private var buffer: [UInt8] = []
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    mutating func append(_ record: CSVRecord) {
        buffer.append(UInt8(ascii: "["))
        for i in 0..<record.count {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(UInt8(ascii: "\""))
            record.withFieldBytes(i) { field in
                for b in field {
                    switch b {
                    case 0x22: buffer.append(0x5C); buffer.append(0x22)
                    case 0x5C: buffer.append(0x5C); buffer.append(0x5C)
                    case 0x0A: buffer.append(0x5C); buffer.append(UInt8(ascii: "n"))
                    case 0x0D: buffer.append(0x5C); buffer.append(UInt8(ascii: "r"))
                    case 0x09: buffer.append(0x5C); buffer.append(UInt8(ascii: "t"))
                    case 0x08: buffer.append(0x5C); buffer.append(UInt8(ascii: "b"))
                    case 0x0C: buffer.append(0x5C); buffer.append(UInt8(ascii: "f"))
                    case 0..<0x20:
                        buffer.append(contentsOf: Array("\\u00".utf8))
                        buffer.append(Self.hex[Int(b >> 4)])
                        buffer.append(Self.hex[Int(b & 0xF)])
                    default: buffer.append(b)
                    }
                }
            }
            buffer.append(UInt8(ascii: "\""))
        }
        buffer.append(UInt8(ascii: "]"))
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        buffer.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(1, bytes.baseAddress! + done, bytes.count - done)
                if n <= 0 { if errno == EINTR { continue }; return }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
