import Foundation

// libFuzzer target "errorbody": APIErrorBody.message(from:status:) on arbitrary bodies.
// Compiled together with Sources/BatchCore/Wire/OnSched/APIErrorBody.swift. Byte 0 picks the status.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let statuses = [400, 401, 403, 404, 409, 413, 422, 429, 500, 502, 503, 599, 0, -1, 200, 999]
    let status = statuses[Int(data[0] & 0x0F)]
    let body = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let message = APIErrorBody.message(from: body, status: status)
    precondition(!message.isEmpty, "empty message")
    // One readable line: no control characters, bounded length.
    precondition(!message.unicodeScalars.contains { $0.value < 0x20 }, "control character in \(message.debugDescription)")
    precondition(message.unicodeScalars.count <= APIErrorBody.jsonLimit + 2, "message too long: \(message.unicodeScalars.count)")
    return 0
}
