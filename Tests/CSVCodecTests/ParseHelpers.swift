import Testing
@testable import CSVCodec

/// All fields of all records of `text`, with the given options. Every input read through these
/// helpers is also read by the scalar path, which must give the same outcome (issue 17).
func parse(_ text: String, _ options: CSVReaderOptions = .init()) throws -> [[String]] {
    try parse(Array(text.utf8), options)
}

func parse(_ bytes: [UInt8], _ options: CSVReaderOptions = .init()) throws -> [[String]] {
    CSVStructuralScanTests.expectSame(bytes, options)
    let reader = CSVReader(bytes: bytes, options: options)
    var rows: [[String]] = []
    while let r = try reader.next() { rows.append(r.fields) }
    return rows
}

/// The error reading `bytes` throws first (nil if none).
func firstError(_ bytes: [UInt8], _ options: CSVReaderOptions = .init()) -> CSVError? {
    CSVStructuralScanTests.expectSame(bytes, options)
    let reader = CSVReader(bytes: bytes, options: options)
    do {
        while try reader.next() != nil {}
        return nil
    } catch {
        return error as? CSVError
    }
}

func firstError(_ text: String, _ options: CSVReaderOptions = .init()) -> CSVError? {
    firstError(Array(text.utf8), options)
}
