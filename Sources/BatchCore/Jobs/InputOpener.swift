import BatchInput
import BatchReport
import Foundation

/// Opens an input file as a record source and knows how to write its errors file.
public struct OpenedInput {
    public let path: String
    public let source: any RecordSource
    private let options: InputOptions
    /// The file's size, for progress; `nil` for standard input.
    public let size: Int?
    /// The file as it was before anything was read (nil for a stream).
    public let snapshot: InputSnapshot?

    /// Opens `path` in the format `options` give or its extension names (CSV by default for `-`).
    public init(path: String, options: InputOptions) throws {
        snapshot = InputSnapshot.take(path: path)
        self.path = path
        var format = options.format ?? InputFormat.fromExtension(path)
        if format == nil {
            if path == "-" { format = .csv(delimiter: nil) } else { throw InputError.unknownFormat(path: path) }
        }
        if path != "-" {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                throw InputError.unreadable(path: path, reason: "no such file")
            }
            if isDir.boolValue { throw InputError.unreadable(path: path, reason: "it is a directory") }
            size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        } else {
            size = nil
        }
        var opts = options
        if opts.sheet != nil, format != .xlsx {
            throw InputError.unsupported("a sheet name applies to .xlsx input only, not to \(path)")
        }
        switch format! {
        case .xlsx:
            source = try XLSXRecordSource(path: path, options: opts)
        case .jsonl:
            if options.encoding != .utf8 {
                throw InputError.unsupported("a text encoding applies to CSV only: JSON Lines are UTF-8 by definition")
            }
            source = try JSONLRecordSource(path: path, options: opts)
        case let .csv(delimiter):
            if opts.delimiter == nil { opts.delimiter = delimiter }
            opts.format = .csv(delimiter: opts.delimiter)
            source = try CSVRecordSource(path: path, options: opts)
        }
        self.options = opts
    }

    /// Checks that the rest of a CSV file is well-formed before anything is sent (see
    /// ``CSVRecordSource/checkWholeFile(path:options:)``). Only regular files can be read twice:
    /// standard input, a FIFO or a process substitution (`<(…)`, a /dev/fd path) would have its
    /// data taken away from the import, so they pass unchecked, as do JSON Lines, which have no
    /// structural errors that stop a run (a bad line is a bad row).
    public func checkWholeFile() throws {
        if source is XLSXRecordSource {
            return try XLSXRecordSource.checkWholeFile(path: path, options: options)
        }
        guard path != "-", let csv = source as? CSVRecordSource,
              let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType,
              type == .typeRegular
        else { return }
        try csv.checkWholeFile(path: path, options: options)
    }

    /// The input changed since it was opened (an error: the rows read may mix two files).
    public func checkUnchanged() throws {
        guard let snapshot, let change = snapshot.change(to: InputSnapshot.take(path: path)) else { return }
        throw InputError.changedWhileRead(path: path, change: change)
    }

    /// How the errors file repeats this input's layout.
    public var errorsLayout: ErrorsFileLayout {
        if let csv = source as? CSVRecordSource {
            return ErrorsFileLayout(format: csv.format, headers: csv.mapping.headers, delimiter: csv.delimiter, bom: csv.hadBOM)
        }
        if let xlsx = source as? XLSXRecordSource {
            // A workbook's failing rows go to a CSV (its `raw` lines are CSV), which imports again.
            return ErrorsFileLayout(format: .csv(delimiter: 0x2C), headers: xlsx.mapping.headers, delimiter: 0x2C, bom: false)
        }
        return ErrorsFileLayout(format: .jsonl, headers: [], delimiter: UInt8(ascii: ","), bom: false)
    }

    /// The errors file for this input, written in its own format.
    public func errorsWriter(path: String) -> ErrorsWriter {
        ErrorsWriter(path: path, layout: errorsLayout)
    }

    /// Once the input has been read to its end: a note when it held no records at all (a header
    /// only, or an empty JSON Lines file), which is not an error (a nightly delta may well be
    /// empty) but should not pass in silence either; `nil` otherwise.
    public var noRecordsNote: String? {
        if let csv = source as? CSVRecordSource, csv.rowsRead == 0 {
            return "\(path): no records after the header on line \(csv.headerLine); nothing to do"
        }
        if let xlsx = source as? XLSXRecordSource, xlsx.rowsRead == 0 {
            return "\(path): no records after the header in row \(xlsx.headerRow) of sheet '\(xlsx.sheetName)'; nothing to do"
        }
        if let jsonl = source as? JSONLRecordSource, jsonl.rowsRead == 0 {
            return "\(path): no JSON objects in the file; nothing to do"
        }
        return nil
    }

    /// How far the source has read, for progress.
    public var bytesRead: Int { (source as? CSVRecordSource)?.bytesRead ?? 0 }
}
