#if canImport(Glibc)
import Glibc
#endif

// libFuzzer target "jsonl": JSONLRecordSource (and its LineReader with tiny blocks) over arbitrary
// bytes, fed through an unlinked temporary file. Compiled into module BatchCore together with
// all of Sources/BatchCore (CSVCodec linked as a module), so internals are reachable.
//
// Byte 0: bits 0-5 LineReader block size 1…64, bit 6 small line limit. The rest is the file.

/// An anonymous in-memory file holding `bytes`, positioned at the start.
func memoryFile(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
    // memfd_create is not exported by Swift's Glibc module; an unlinked tmpfile serves as well.
    guard let file = tmpfile() else { preconditionFailure("tmpfile failed: \(errno)") }
    let fd = dup(fileno(file))
    fclose(file)
    precondition(fd >= 0, "dup failed: \(errno)")
    var done = 0
    while done < bytes.count {
        let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
        precondition(n > 0, "write to memfd failed")
        done += n
    }
    lseek(fd, 0, SEEK_SET)
    return fd
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let blockSize = Int(data[0] & 0x3F) + 1
    let maxLine = data[0] & 0x40 != 0 ? 8 : 1 << 20
    let body = UnsafeBufferPointer(start: data + 1, count: size - 1)

    // LineReader with tiny blocks: the lines are exactly the input split at LF (CR before LF dropped).
    let lineFD = memoryFile(body)
    let lines = LineReader(fileDescriptor: lineFD, closeOnDeinit: true, blockSize: blockSize, maxLineBytes: maxLine)
    var expected = Array(body).split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> [UInt8] in
        line.last == 0x0D ? Array(line.dropLast()) : Array(line)
    }
    if body.last == 0x0A || body.isEmpty { expected.removeLast() }
    var number = 0
    while let line = try! lines.next() {
        precondition(number < expected.count, "more lines than the input has")
        let want = expected[number]
        number += 1
        precondition(line.number == number, "line numbers must count up by one")
        if line.truncated {
            precondition(want.count + 1 > maxLine && line.bytes.count <= maxLine, "truncated without reason")
            let prefix = Array(want.prefix(line.bytes.count))
            precondition(line.bytes == prefix, "truncated line is not the start of the line")
        } else {
            precondition(line.bytes == want, "line \(number) differs: \(line.bytes) vs \(want)")
        }
    }
    // A trailing empty line without content is not a line.
    if number != expected.count {
        precondition(number == expected.count - 1 && expected.last?.isEmpty == true,
                     "read \(number) lines of \(expected.count)")
    }

    // The record source: every non-blank line is one record with its line number; never throws.
    let fd = memoryFile(body)
    let source = JSONLRecordSource(fileDescriptor: fd, closeOnDeinit: true, options: InputOptions())
    var row = 0
    var lastLine = 0
    while let record = try! source.next() {
        row += 1
        precondition(record.row == row && record.line > lastLine, "rows and lines must increase")
        lastLine = record.line
        for issue in record.issues { _ = issue }
        precondition(row <= expected.count, "more records than lines")
    }
    _ = source.unmappedColumns
    return 0
}
