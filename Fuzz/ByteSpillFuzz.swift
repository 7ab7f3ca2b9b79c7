// libFuzzer target "spill": ByteSpill (Sources/CSVCodec/ByteSpill.swift) against an in-memory model.
// Compiled together with Sources/CSVCodec/*.swift. Byte 0 picks the flush threshold (1-64 bytes)
// and whether the spill has a file (bit 7 clear) or keeps everything in memory (set: a directory
// that does not exist). The rest is a sequence of records: a length byte (0-127; the high bit
// asks for a read-back check of a range chosen by the next two bytes) and that many key bytes.
// Checked: every offset returned is the model's length and a multiple of 8, `count` follows the
// model, and any range read back (file, tail, or across the boundary) equals the model's bytes.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let flushAt = Int(input[0] & 0x3F) + 1
    let spill = input[0] & 0x80 == 0 ? ByteSpill(flushAt: flushAt) : ByteSpill(directory: "/nonexistent/spill-fuzz", flushAt: flushAt)
    var model: [UInt8] = []
    var i = 1
    var header: UInt64 = 0x0102_0304_0506_0708
    while i < input.count {
        let op = input[i]
        i += 1
        if op & 0x80 != 0, i + 1 < input.count, !model.isEmpty {
            let start = Int(input[i]) * model.count / 256
            let count = min(model.count - start, Int(input[i + 1]))
            i += 2
            precondition(spill.read(at: start, count: count) == Array(model[start..<start + count]), "read-back differs")
            continue
        }
        let n = min(Int(op & 0x7F), input.count - i)
        let key = Array(input[i..<i + n])
        i += n
        header = header &* 0x9e37_79b9_7f4a_7c15 &+ UInt64(n)
        let offset = spill.appendRecord(header: header, key.span)
        precondition(offset == model.count && offset % 8 == 0, "offset \(offset), model \(model.count)")
        withUnsafeBytes(of: header.littleEndian) { model.append(contentsOf: $0) }
        model.append(contentsOf: key)
        while model.count % 8 != 0 { model.append(0) }
        precondition(spill.count == model.count, "count \(spill.count), model \(model.count)")
    }
    if !model.isEmpty {
        precondition(spill.read(at: 0, count: model.count) == model, "whole read-back differs")
    }
    return 0
}
