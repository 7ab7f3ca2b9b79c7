// libFuzzer target "linebuilder": CSVLineBuilder (Sources/CSVCodec/CSVLineBuilder.swift), the
// report's pointer-level output buffer, differentially against CSVWriter. Compiled together with
// Sources/CSVCodec/*.swift. The input is a sequence of operations: an op byte, then for a field a
// length byte and that many bytes (any bytes, not only UTF-8: the builder copies bytes as they
// are). Op bit 0: formula guard; bit 1: a number (8 bytes) instead of a field; bit 2: a line end
// with (op >> 3) & 7 empty fields; bit 3 (without bits 1 and 2): a fixed text (`raw`) of
// `rawTexts` picked by op >> 4. Each field is handed over as the `Span` of an array of exactly
// its size, so a read past its end (invariant 3) is an ASan heap overflow. Checked: the builder's
// bytes equal CSVWriter's for the same fields (field by field, after a leading empty field so the
// BOM rule of a first field never applies), numbers equal `String(n)`, and the output is the same
// whether flushed after every operation (byte 0 odd) or once.
let rawTexts: [StaticString] = [
    "", ",", ",,", "abc", ",dan", ",valid", ",google", ",outlook", ",invalid", ",would-create", ",would-recover",
    "0123456789abcdef", "0123456789abcdefg",
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let flushEach = input[0] & 1 == 1
    let builder = CSVLineBuilder()
    var model: [UInt8] = []
    var i = 1
    while i < input.count {
        let op = input[i]
        i += 1
        if op & 4 != 0 {
            let commas = Int((op >> 3) & 7)
            try! builder.emptyFieldsAndLineEnd(commas)
            model += Array(repeating: 0x2C, count: commas) + [0x0D, 0x0A]
        } else if op & 8 != 0 && op & 2 == 0 {
            // A fixed text (`raw`), lengths 0 to 16 around its word-copy thresholds.
            let text = rawTexts[Int(op >> 4) % rawTexts.count]
            try! builder.raw(text)
            model += text.withUTF8Buffer { Array($0) }
        } else if op & 2 != 0 {
            guard i + 8 <= input.count else { break }
            var n = 0
            for k in 0..<8 { n = n << 8 | Int(input[i + k]) }
            i += 8
            try! builder.number(n)
            model += Array(("," + String(n)).utf8)
        } else {
            guard i < input.count else { break }
            let n = min(Int(input[i]), input.count - i - 1)
            i += 1
            let field = Array(input[i..<i + n])
            i += n
            let guardFormula = op & 1 == 1
            try! builder.field(field.span, guardFormula: guardFormula)
            var w = CSVWriter(options: CSVWriterOptions(lineEnding: .crlf, spreadsheetSafe: true))
            w.appendField(utf8: UnsafeBufferPointer(start: nil, count: 0))
            field.withUnsafeBufferPointer { w.appendField(utf8: $0, formulaSafe: !guardFormula) }
            model += w.bytes
        }
        if flushEach { try! builder.flush() }
    }
    try! builder.flush()
    precondition(builder.bytes == model, "builder and CSVWriter differ")
    return 0
}
