import BatchModel
import BatchInput
import CSVCodec

/// Writes the rows that were `invalid` or `failed` exactly as they were in the input, plus an
/// `error` column, so the file can be fixed and imported again.
///
/// The file is created on the first failing row only. CSV keeps the input's delimiter, byte order
/// mark and each record's original bytes; an `error` column already in the input (an errors file
/// imported again) is replaced rather than repeated. JSONL gets an `"error"` key in front of the
/// original object.
/// How an input is laid out, so that its errors file can repeat it.
public struct ErrorsFileLayout: Sendable {
    public var format: InputFormat
    public var headers: [String]
    public var delimiter: UInt8
    public var bom: Bool

    public init(format: InputFormat, headers: [String], delimiter: UInt8, bom: Bool) {
        self.format = format
        self.headers = headers
        self.delimiter = delimiter
        self.bom = bom
    }
}

public final class ErrorsWriter {
    public let path: String
    private let format: InputFormat
    private let headers: [String]
    private let delimiter: UInt8
    private let bom: Bool
    private var file: OutputFile?
    public private(set) var rowsWritten = 0
    private let errorColumn: Int?

    public convenience init(path: String, layout: ErrorsFileLayout) {
        self.init(path: path, format: layout.format, headers: layout.headers, delimiter: layout.delimiter, bom: layout.bom)
    }

    public init(path: String, format: InputFormat, headers: [String], delimiter: UInt8, bom: Bool) {
        self.path = path
        self.format = format
        self.headers = headers
        self.delimiter = delimiter
        self.bom = bom
        errorColumn = headers.firstIndex { ColumnMapping.normalize($0) == "error" }
    }

    public func write(raw: [UInt8]?, message: String) throws {
        let file = try openIfNeeded()
        rowsWritten += 1
        let raw = raw ?? []
        switch format {
        case .jsonl:
            var line: [UInt8] = []
            // A byte order mark before the first object (files saved by Windows editors) is not data.
            let raw = raw.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(raw.dropFirst(3)) : raw
            let trimmedStart = raw.firstIndex { $0 != 0x20 && $0 != 0x09 }
            if let s = trimmedStart, raw[s] == UInt8(ascii: "{") {
                let rest = raw[(s + 1)...]
                let empty = rest.drop { $0 == 0x20 || $0 == 0x09 }.first == UInt8(ascii: "}")
                line.append(contentsOf: #"{"error":"#.utf8)
                JSONText.appendString(message, to: &line)
                if !empty { line.append(UInt8(ascii: ",")) }
                line.append(contentsOf: rest)
            } else {
                line.append(contentsOf: #"{"error":"#.utf8)
                JSONText.appendString(message, to: &line)
                line.append(contentsOf: #","line":"#.utf8)
                JSONText.appendString(String(decoding: raw, as: UTF8.self), to: &line)
                line.append(UInt8(ascii: "}"))
            }
            line.append(0x0A)
            try file.write(line)
        case .csv, .xlsx: // a workbook's errors are written as CSV (see OpenedInput.errorsLayout)
            if let errorColumn {
                var options = CSVReaderOptions()
                options.delimiter = delimiter
                var fields = (try? CSVReader(bytes: raw, options: options).next()?.fields) ?? []
                while fields.count <= errorColumn { fields.append("") }
                fields[errorColumn] = message
                try file.write(encode(fields))
            } else {
                var line = raw
                // A record may be shorter than the header (allowed on input): pad it so the
                // message lands in the error column, not in a data column.
                var options = CSVReaderOptions()
                options.delimiter = delimiter
                if let count = (try? CSVReader(bytes: raw, options: options).next())??.count, count < headers.count {
                    line.append(contentsOf: repeatElement(delimiter, count: headers.count - count))
                }
                line.append(delimiter)
                line.append(contentsOf: encode([message]).dropLast(2))
                line.append(contentsOf: [0x0D, 0x0A])
                try file.write(line)
            }
        }
    }

    /// ``write(raw:message:)`` for a CSV record whose field count is known (a batch arena keeps
    /// it from the read): the same line, without reading the record again to count its fields
    /// (a `CSVReader` per failed row was most of the errors file's cost).
    public func write(raw: [UInt8]?, fieldCount: Int, message: String) throws {
        guard errorColumn == nil, format != .jsonl, let raw else { return try write(raw: raw, message: message) }
        let file = try openIfNeeded()
        rowsWritten += 1
        var line = raw
        if fieldCount < headers.count {
            line.append(contentsOf: repeatElement(delimiter, count: headers.count - fieldCount))
        }
        line.append(delimiter)
        line.append(contentsOf: encode([message]).dropLast(2))
        line.append(contentsOf: [0x0D, 0x0A])
        try file.write(line)
    }

    public func close() throws {
        try file?.close()
    }

    private func encode(_ fields: [String]) -> [UInt8] {
        var writer = CSVWriter(options: CSVWriterOptions(delimiter: delimiter, lineEnding: .crlf))
        try? writer.write(record: fields)
        try? writer.flush()
        return writer.bytes
    }

    private func openIfNeeded() throws -> OutputFile {
        if let file { return file }
        let f = try OutputFile(path: path)
        if case .csv = format {
            if bom { try f.write([0xEF, 0xBB, 0xBF]) }
            try f.write(encode(errorColumn == nil ? headers + ["error"] : headers))
        }
        file = f
        return f
    }
}
