import Testing
import CSVCodec

@Suite struct ByteSpillTests {
    /// Records of many lengths, read back wherever they sit: in the file, in the in-memory tail,
    /// or across the boundary (a flush every 64 bytes makes every case common).
    @Test(arguments: [true, false])
    func everyRecordReadsBackAsAppended(toFile: Bool) {
        let spill = toFile ? ByteSpill(flushAt: 64) : ByteSpill(directory: "/nonexistent-dir-for-spill-test", flushAt: 64)
        #expect(spill.spilling == toFile)
        var model: [UInt8] = []
        var offsets: [(Int, Int)] = []
        for n in 0..<200 {
            let key = (0..<(n % 37)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ n) }
            let header = UInt64(n) | UInt64(key.count) << 32
            let offset = spill.appendRecord(header: header, key.span)
            #expect(offset == model.count)
            #expect(offset % 8 == 0)
            withUnsafeBytes(of: header.littleEndian) { model.append(contentsOf: $0) }
            model.append(contentsOf: key)
            while model.count % 8 != 0 { model.append(0) }
            offsets.append((offset, 8 + key.count))
            #expect(spill.count == model.count)
        }
        for (offset, count) in offsets {
            #expect(spill.read(at: offset, count: count) == Array(model[offset..<offset + count]))
        }
        // Arbitrary ranges, including ones straddling records and the file/tail boundary.
        for start in stride(from: 0, to: model.count - 50, by: 13) {
            #expect(spill.read(at: start, count: 50) == Array(model[start..<start + 50]))
        }
    }

    @Test func aRecordLargerThanTheBufferIsKeptWhole() {
        let spill = ByteSpill(flushAt: 16)
        let big = [UInt8](repeating: 0xAB, count: 10_000)
        let offset = spill.appendRecord(header: 42, big.span)
        let back = spill.read(at: offset + 8, count: big.count)
        #expect(back == big)
    }
}
