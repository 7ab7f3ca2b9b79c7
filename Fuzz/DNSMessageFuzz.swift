// libFuzzer target "dns": DNSMessage parsing of arbitrary bytes (compression pointers, truncation,
// absurd section counts). Compiled together with the DNS wire-format files of BatchCore/Hosting.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? DNSMessage.parseHeader(bytes)
    let message: DNSMessage
    do {
        message = try DNSMessage(parsing: bytes)
    } catch {
        _ = error.description
        return 0
    }
    // Every name the parser returns is bounded, and a parsed message re-encodes or refuses cleanly.
    for name in message.questions.map(\.name) + (message.answers + message.authorities + message.additionals).map(\.name) {
        precondition(name.utf8.count <= 4 * DNSName.maxWireLength, "name too long: \(name.utf8.count)")
    }
    if let encoded = try? message.encoded() {
        // Our own encoding of a message must parse back to the same names.
        if let reparsed = try? DNSMessage(parsing: encoded) {
            precondition(reparsed.questions.count == message.questions.count)
        }
    }
    return 0
}
