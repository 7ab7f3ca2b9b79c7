// libFuzzer target "http": the emulator's HTTPRequestParser on arbitrary bytes, delivered in
// pieces (byte 0 picks the piece size) so partial and pipelined requests are both exercised.
// Compiled together with Sources/OnSchedEmulator/*.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let piece = Int(data[0] & 0x3F) + 1
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var parser = HTTPRequestParser(maxHeaderBytes: 512, maxBodyBytes: 1024)
    var offset = 0
    var requests = 0
    feeding: while true {
        var steps = 0
        loop: while true {
            steps += 1
            precondition(steps < 100_000, "parser does not make progress")
            switch parser.next() {
            case .request(let request):
                requests += 1
                precondition(request.target.hasPrefix("/"), "target \(request.target)")
                precondition(request.body.count <= 1024, "body over the limit")
                _ = request.path
                _ = request.rawQuery
                _ = request.keepAlive
                _ = request.header("content-length")
            case .needMore:
                break loop
            case .failure(let status, let message):
                precondition((400...599).contains(status) && !message.isEmpty)
                break feeding
            }
        }
        precondition(parser.bufferedCount <= (size - 1), "buffered more than was fed")
        guard offset < bytes.count else { break }
        let end = min(bytes.count, offset + piece)
        parser.append(Array(bytes[offset..<end]))
        offset = end
    }
    // The shortest request is 14 bytes: "A / HTTP/1.1" and two LFs.
    precondition(requests <= bytes.count / 14, "more requests than bytes allow")
    return 0
}
