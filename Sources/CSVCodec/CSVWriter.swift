#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered RFC 4180 CSV writer, to a file descriptor or into memory.
///
/// Fields are quoted only when they need it (they contain the delimiter, a quote, CR or LF), quotes
/// are doubled, and everything ``CSVReader`` accepts round-trips. Output is buffered in 64 KiB; call
/// ``flush()`` when done (a struct has no deinit to do it for you).
public struct CSVWriter {
    private static let bufferSize = 1 << 16
    private static let quote: UInt8 = 0x22

    private let fd: Int32
    private let options: CSVWriterOptions
    private var buffer: [UInt8]
    private var started = false
    private var atStart = true // nothing written yet, not even a BOM
    /// needsQuotes[b] is true for bytes that force a field into quotes.
    private let needsQuotes: [Bool]

    /// Writes to the open file descriptor `fileDescriptor`, which the caller keeps owning.
    public init(fileDescriptor: Int32, options: CSVWriterOptions = .init()) {
        fd = fileDescriptor
        self.options = options
        buffer = []
        buffer.reserveCapacity(Self.bufferSize + 1024)
        var table = [Bool](repeating: false, count: 256)
        for b in [options.delimiter, Self.quote, 0x0D, 0x0A] { table[Int(b)] = true }
        needsQuotes = table
    }

    /// Collects the output in memory, in ``bytes``.
    public init(options: CSVWriterOptions = .init()) {
        self.init(fileDescriptor: -1, options: options)
    }

    /// The output so far (in-memory mode); in file mode, what has not been flushed yet.
    public var bytes: [UInt8] { buffer }

    /// Writes one record. A record without fields becomes an empty line, which readers skip.
    /// - Throws: ``CSVError`` of kind ``CSVError/Kind/io(_:)`` when the file descriptor cannot be written.
    public mutating func write(record: some Sequence<String>) throws {
        try write(record: record, formulaSafeColumns: [])
    }

    /// Writes one record; the 0-based columns in `formulaSafeColumns` never get the spreadsheet-safe
    /// `'` prefix, e.g. the tool's own numeric columns where "-5" is a number, not a formula.
    public mutating func write(record: some Sequence<String>, formulaSafeColumns: Set<Int>) throws {
        startOutput()
        var column = 0
        var iterator = record.makeIterator()
        guard var field = iterator.next() else {
            appendLineEnd()
            try flushIfFull()
            return
        }
        var nextField = iterator.next()
        let single = nextField == nil
        while true {
            if column > 0 { buffer.append(options.delimiter) }
            let guardFormula = options.spreadsheetSafe && !formulaSafeColumns.contains(column)
            let written: Void? = field.utf8.withContiguousStorageIfAvailable {
                appendField($0, guardFormula: guardFormula, alone: single)
            }
            if written == nil {
                Array(field.utf8).withUnsafeBufferPointer { appendField($0, guardFormula: guardFormula, alone: single) }
            }
            column += 1
            guard let f = nextField else { break }
            field = f
            nextField = iterator.next()
        }
        appendLineEnd()
        try flushIfFull()
    }

    /// Writes a record as read by ``CSVReader``, field bytes as they are; `formulaSafeColumns` as in
    /// ``write(record:formulaSafeColumns:)``.
    public mutating func write(record: CSVRecord, formulaSafeColumns: Set<Int> = []) throws {
        startOutput()
        for i in 0..<record.count {
            if i > 0 { buffer.append(options.delimiter) }
            let guardFormula = options.spreadsheetSafe && !formulaSafeColumns.contains(i)
            record.withFieldBytes(i) { appendField($0, guardFormula: guardFormula, alone: record.count == 1) }
        }
        appendLineEnd()
        try flushIfFull()
    }

    /// Writes everything buffered to the file descriptor (no-op in memory mode).
    public mutating func flush() throws {
        guard fd >= 0 else { return }
        try buffer.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    throw CSVError(kind: .io("cannot write output: \(String(cString: strerror(code)))"),
                                   position: CSVPosition(record: 0, line: 0, column: 0, byteOffset: 0))
                }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func startOutput() {
        if !started {
            started = true
            if options.byteOrderMark { buffer.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        }
    }

    private mutating func appendLineEnd() {
        if options.lineEnding == .crlf { buffer.append(0x0D) }
        buffer.append(0x0A)
    }

    private mutating func flushIfFull() throws {
        if fd >= 0 && buffer.count >= Self.bufferSize { try flush() }
    }

    /// Appends one field, quoted when needed. A record's only field is quoted when empty, since an
    /// empty line would be read back as no record at all; the very first field is quoted when it
    /// starts with U+FEFF, which would otherwise be read back as a byte order mark.
    private mutating func appendField(_ field: UnsafeBufferPointer<UInt8>, guardFormula: Bool, alone: Bool) {
        var quoted = alone && field.isEmpty
        if atStart {
            atStart = false
            if buffer.isEmpty && field.starts(with: [0xEF, 0xBB, 0xBF]) { quoted = true }
        }
        for b in field where needsQuotes[Int(b)] {
            quoted = true
            break
        }
        var prefix = false
        if guardFormula, let first = field.first {
            switch first {
            case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D: prefix = true // = + - @ TAB CR
            default: break
            }
        }
        if quoted { buffer.append(Self.quote) }
        if prefix { buffer.append(0x27) }
        if quoted {
            var runStart = 0
            for (j, b) in field.enumerated() where b == Self.quote {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: field[runStart...j]))
                buffer.append(Self.quote)
                runStart = j + 1
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: field[runStart...]))
            buffer.append(Self.quote)
        } else {
            buffer.append(contentsOf: field)
        }
    }
}
