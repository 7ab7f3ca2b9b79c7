#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming RFC 4180 CSV reader over bytes.
///
/// It reads its input in blocks of ``CSVReaderOptions/blockSize`` bytes (never the whole file), runs a
/// small resumable state machine over each block and copies field bytes into one reused buffer, so
/// memory stays bounded by the options' limits whatever the input. Fields are UTF-8-validated.
/// Records of any width are returned as they are; blank lines are skipped (as rust-csv does).
/// Not thread-safe: one consumer reads records in order.
public final class CSVReader {
    private enum State: UInt8 { case recordStart, fieldStart, unquoted, quoted, quoteInQuoted }

    private static let quote: UInt8 = 0x22
    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A

    private var source: any CSVByteSource
    private let ownedFD: Int32
    private let encoding: CSVTextEncoding
    private let maxFieldBytes: Int
    private let maxFieldsPerRecord: Int
    private let maxRecordBytes: Int
    private let keepRaw: Bool
    private let detectDelimiter: Bool

    // Input buffer: valid bytes are buf[bufStart..<bufEnd]; buf[0] is at input offset bufBase.
    private var buf: UnsafeMutablePointer<UInt8>
    private var bufCap: Int
    private var bufStart = 0
    private var bufEnd = 0
    private var bufBase = 0
    private var eof = false
    private var rawIn: UnsafeMutablePointer<UInt8>? = nil // undecoded bytes when transcoding
    private var rawInCap = 0

    // 256-entry tables: non-zero for bytes that end a plain run in an unquoted / quoted field.
    private let unquotedSpecial: UnsafeMutablePointer<UInt8>
    private let quotedSpecial: UnsafeMutablePointer<UInt8>

    private var started = false
    private var failure: CSVError? = nil
    private var delim: UInt8

    /// True when the input started with a UTF-8 byte order mark (which is skipped).
    public private(set) var hadBOM = false

    /// The field delimiter: the one given in the options or, once the first record has been read, the detected one.
    public var delimiter: UInt8 { delim }

    // Line tracking (also inside quoted fields).
    private var line = 1
    private var lineStart = 0 // input offset of the first byte of `line`
    private var skipLF = false // the previous line ended with CR; an LF right after belongs to it
    private var prevCR = false // the last byte of the previous block was CR

    // The record being parsed.
    private var state = State.recordStart
    private var recordCount = 0
    private var recordLine = 0
    private var recordOffset = 0
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCap: Int
    private var scratchLen = 0
    private var ends: UnsafeMutablePointer<Int>
    private var endsCap: Int
    private var fieldCount = 0
    private var fieldStart = 0 // index in scratch
    private var fieldOffset = 0
    private var fieldLine = 0
    private var fieldLineStart = 0
    private var fieldAcc: UInt64 = 0 // OR of the field's bytes (8 lanes): no bit 7 set means ASCII
    private var pending: CSVError? = nil // a recoverable error, thrown once the record is consumed
    @usableFromInline var raw: [UInt8] = []
    /// Set while ``readRecord(lendingRaw:)`` reads: a record lying within one block keeps its raw
    /// bytes where they are (`lentRawStart`), not copied into `raw`.
    private var rawInPlace = false
    private var lentRawStart: UnsafePointer<UInt8>? = nil
    private var lentRawCount = 0
    /// The raw bytes of a record lent by ``readRecord(lendingRaw:)`` that spanned blocks: copied
    /// here from `raw`, so the lent pointer is to memory only the reader changes.
    private var rawCopy: UnsafeMutablePointer<UInt8>? = nil
    private var rawCopyCap = 0
    /// Set while ``readRecord(lending:)`` reads: the record stays in `scratch` and `ends`.
    private var lending = false
    private var lentLength = 0
    private var lentRecord = CSVRecord()
    /// True: runs of ordinary bytes are found 64 at a time with ``CSVStructuralScanner``; false: the
    /// scalar path (8-byte words, then byte by byte). Both must give the same records and errors;
    /// the tests and the fuzzer compare them. Set it before the first read.
    var structuralScan = true
    /// The structural masks of the last window looked at, kept from one record to the next.
    private var scanner: CSVStructuralScanner

    private init(anySource: any CSVByteSource, options: CSVReaderOptions, ownedFD: Int32) {
        source = anySource
        self.ownedFD = ownedFD
        encoding = options.encoding
        maxFieldBytes = max(0, options.maxFieldBytes)
        maxFieldsPerRecord = max(1, options.maxFieldsPerRecord)
        maxRecordBytes = max(0, options.maxRecordBytes)
        keepRaw = options.keepRawRecord
        detectDelimiter = options.delimiter == nil
        delim = options.delimiter ?? 0x2C
        scanner = CSVStructuralScanner(delimiter: delim)
        bufCap = max(options.blockSize, 16)
        buf = .allocate(capacity: bufCap + CSVStructuralScanner.padding)
        buf.initialize(repeating: 0, count: bufCap + CSVStructuralScanner.padding)
        scratchCap = 1024
        scratch = .allocate(capacity: scratchCap)
        // 128: the structural scan's fast loop needs room for a whole window's 64 fields.
        endsCap = min(128, maxFieldsPerRecord)
        ends = .allocate(capacity: endsCap)
        unquotedSpecial = .allocate(capacity: 256)
        unquotedSpecial.initialize(repeating: 0, count: 256)
        quotedSpecial = .allocate(capacity: 256)
        quotedSpecial.initialize(repeating: 0, count: 256)
        for b in [Self.quote, Self.cr, Self.lf, 0] {
            unquotedSpecial[Int(b)] = 1
            quotedSpecial[Int(b)] = 1
        }
        if !detectDelimiter { unquotedSpecial[Int(delim)] = 1 }
    }

    /// Reads the open file descriptor `fileDescriptor` with read(2), block by block; the caller keeps ownership of it.
    public convenience init(fileDescriptor: Int32, options: CSVReaderOptions = .init()) {
        self.init(anySource: FileDescriptorSource(fd: fileDescriptor), options: options, ownedFD: -1)
    }

    /// Opens and reads the file at `path` ("-" means standard input).
    /// - Throws: ``CSVError`` of kind ``CSVError/Kind/io(_:)`` naming the path when it cannot be opened.
    public convenience init(path: String, options: CSVReaderOptions = .init()) throws {
        if path == "-" {
            self.init(fileDescriptor: 0, options: options)
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            throw CSVError(kind: .io("cannot open \(path): \(reason)"),
                           position: CSVPosition(record: 0, line: 0, column: 0, byteOffset: 0))
        }
        self.init(anySource: FileDescriptorSource(fd: fd), options: options, ownedFD: fd)
    }

    /// Reads CSV held in memory.
    /// The block is no larger than the bytes need: the buffer is zeroed when it is made (the
    /// structural scan reads whole windows), and the errors file makes a reader per failed row.
    public convenience init(bytes: [UInt8], options: CSVReaderOptions = .init()) {
        var sized = options
        sized.blockSize = min(options.blockSize, max(64, bytes.count + 1))
        self.init(anySource: ByteArraySource(bytes: bytes), options: sized, ownedFD: -1)
    }

    /// Reads from any byte source (pipes, sockets, tests that deliver odd-sized blocks).
    public convenience init(source: some CSVByteSource, options: CSVReaderOptions = .init()) {
        self.init(anySource: source, options: options, ownedFD: -1)
    }

    deinit {
        buf.deallocate()
        rawIn?.deallocate()
        scratch.deallocate()
        ends.deallocate()
        rawCopy?.deallocate()
        unquotedSpecial.deallocate()
        quotedSpecial.deallocate()
        if ownedFD >= 0 { close(ownedFD) }
    }

    /// Returns the next record, or nil at the end of the input.
    /// - Throws: ``CSVError``; after ``CSVError/Kind/invalidUTF8`` or ``CSVError/Kind/nulByte`` the bad
    ///   record has been skipped and reading may continue; after any other error every call throws it again.
    public func next() throws -> CSVRecord? {
        var record = CSVRecord()
        return try readRecord(into: &record) ? record : nil
    }

    /// Reads the next record into `record`, reusing its storage; returns false at the end of the input.
    /// This is the fast path: once `record` has grown to size, reading allocates nothing.
    /// - Throws: as ``next()``.
    public func readRecord(into record: inout CSVRecord) throws -> Bool {
        if _slowPath(failure != nil) { throw failure! } // not `if let`: that copied the optional error on every call
        do {
            if !started { try start() }
            if let read = try parseRecordFast(into: &record) { return read }
            return try parse(into: &record)
        } catch let error as CSVError {
            if !error.isRecoverable { failure = error }
            throw error
        } catch {
            let wrapped = CSVError(kind: .io("cannot read input: \(error)"), position: here(bufStart))
            failure = wrapped
            throw wrapped
        }
    }

    /// Reads the next record and lends it to `body` in place, without copying its fields into a
    /// ``CSVRecord``; returns `body`'s result, or `nil` at the end of the input. With
    /// ``CSVReaderOptions/keepRawRecord``, `body` also gets the record's raw bytes (as
    /// ``CSVRecord/rawBytes`` holds them; without the option, whatever `body` left there), which it may swap for another
    /// buffer: the reader clears and refills whatever buffer it is left with.
    /// - Throws: as ``next()``; an error `body` throws is rethrown as it is.
    @inlinable
    public func readRecord<R>(lending body: (CSVLentRecord, inout [UInt8]) throws -> R) throws -> R? {
        // Inlinable, so the caller's module specializes it: unspecialized across modules, the
        // generic result and a swapped-in `CSVRecord` cost more than the copy the lending saves.
        guard let lent = try lendNext() else { return nil }
        return try body(lent, &raw)
    }

    /// Reads the next record and lends it to `body` in place, as ``readRecord(lending:)`` does,
    /// with its raw bytes (``CSVReaderOptions/keepRawRecord``) lent too, as ``CSVLentRecord/raw``:
    /// for a record within one block of input, where they were read, so they are never assembled
    /// in a buffer of the reader's; for the rare record spanning blocks, in a buffer of the
    /// reader's. For a caller that copies the raw bytes out once (``CSVLentRecord/appendRaw(to:)``).
    /// - Throws: as ``next()``; an error `body` throws is rethrown as it is.
    @inlinable
    public func readRecord<R>(lendingRaw body: (CSVLentRecord) throws -> R) throws -> R? {
        guard let lent = try lendNextWithRaw() else { return nil }
        return try body(lent)
    }

    /// Reads the next record for ``readRecord(lending:)``, leaving it in `scratch` and `ends`.
    @usableFromInline
    func lendNext() throws -> CSVLentRecord? {
        lending = true
        defer { lending = false }
        // `lentRecord` only carries the record's number and position (emit stores nothing else
        // while lending), so it is passed in place rather than swapped out and back.
        guard try readRecord(into: &lentRecord) else { return nil }
        return lent(raw: UnsafeBufferPointer(start: nil, count: 0))
    }

    /// The record just read while lending (in `scratch` and `ends`), with `raw` as its raw bytes.
    @inline(__always)
    private func lent(raw: UnsafeBufferPointer<UInt8>) -> CSVLentRecord {
        CSVLentRecord(number: lentRecord.number, line: lentRecord.line, byteOffset: lentRecord.byteOffset,
                      bytes: UnsafeBufferPointer(start: UnsafePointer(scratch), count: lentLength),
                      ends: UnsafeBufferPointer(start: UnsafePointer(ends), count: lentRecord.count), raw: raw)
    }

    /// ``lendNext()`` for ``readRecord(lendingRaw:)``: the raw bytes (when kept) lent where they
    /// were read if the record lies within one block, else from a copy of `raw`.
    @usableFromInline
    func lendNextWithRaw() throws -> CSVLentRecord? {
        lending = true
        rawInPlace = true
        lentRawStart = nil
        defer {
            lending = false
            rawInPlace = false
        }
        guard try readRecord(into: &lentRecord) else { return nil }
        var rawBytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        if keepRaw {
            if let start = lentRawStart {
                rawBytes = UnsafeBufferPointer(start: start, count: lentRawCount)
            } else {
                // Spanned blocks (or ended at the end of the input): assembled in `raw`.
                let n = raw.count
                if rawCopyCap < n {
                    rawCopy?.deallocate()
                    rawCopyCap = max(n, 1024)
                    rawCopy = .allocate(capacity: rawCopyCap)
                }
                let copy = rawCopy
                raw.withUnsafeBufferPointer { if n > 0 { copy!.update(from: $0.baseAddress!, count: n) } }
                rawBytes = UnsafeBufferPointer(start: copy.map { UnsafePointer($0) }, count: n)
            }
        }
        return lent(raw: rawBytes)
    }

    // MARK: - Positions and errors

    private func here(_ index: Int) -> CSVPosition {
        let offset = bufBase + index
        return CSVPosition(record: recordCount, line: line, column: offset - lineStart + 1, byteOffset: offset)
    }

    private func fieldPosition() -> CSVPosition {
        CSVPosition(record: recordCount, line: fieldLine, column: fieldOffset - fieldLineStart + 1, byteOffset: fieldOffset)
    }

    private func note(_ kind: CSVError.Kind, _ position: CSVPosition) {
        if let p = pending, p.position.byteOffset <= position.byteOffset { return }
        pending = CSVError(kind: kind, position: position)
    }

    // MARK: - Input

    /// Reads at most `capacity` decoded bytes into `dst`; 0 at the end of the input.
    private func readDecoded(into dst: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        if encoding == .utf8 {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(start: dst, count: capacity))
            guard n >= 0 && n <= capacity else { throw badSourceCount(n) }
            return n
        }
        let want = max(1, capacity / Transcoder.maxExpansion)
        if rawInCap < want {
            rawIn?.deallocate()
            rawIn = .allocate(capacity: want)
            rawInCap = want
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(start: rawIn!, count: want))
        guard n >= 0 && n <= want else { throw badSourceCount(n) }
        return Transcoder.transcode(rawIn!, count: n, into: dst, encoding: encoding)
    }

    private func badSourceCount(_ n: Int) -> CSVError {
        CSVError(kind: .io("byte source returned \(n) bytes"), position: here(bufStart))
    }

    /// Discards the consumed block and reads the next one.
    private func refill() throws {
        scanner.invalidate()
        bufBase += bufEnd
        bufStart = 0
        bufEnd = 0
        if eof { return }
        let n = try readDecoded(into: buf, capacity: bufCap)
        if n == 0 { eof = true }
        bufEnd = n
    }

    /// Reads more input after what is buffered, keeping it (for BOM and delimiter detection);
    /// returns by how much existing bytes moved towards the start of the buffer.
    private func fillMore() throws -> Int {
        var shift = 0
        scanner.invalidate()
        if bufCap - bufEnd < Transcoder.maxExpansion {
            if bufStart > 0 {
                shift = bufStart
                (buf).update(from: buf + bufStart, count: bufEnd - bufStart)
                bufBase += bufStart
                bufEnd -= bufStart
                bufStart = 0
            }
            if bufCap - bufEnd < Transcoder.maxExpansion {
                let newCap = bufCap * 2
                let newBuf = UnsafeMutablePointer<UInt8>.allocate(capacity: newCap + CSVStructuralScanner.padding)
                newBuf.initialize(from: buf, count: bufEnd)
                (newBuf + bufEnd).initialize(repeating: 0, count: newCap + CSVStructuralScanner.padding - bufEnd)
                buf.deallocate()
                buf = newBuf
                bufCap = newCap
            }
        }
        let n = try readDecoded(into: buf + bufEnd, capacity: bufCap - bufEnd)
        if n == 0 { eof = true }
        bufEnd += n
        return shift
    }

    /// Skips a BOM and detects the delimiter from the first record.
    private func start() throws {
        started = true
        if encoding == .utf8 {
            while bufEnd - bufStart < 3 && !eof { _ = try fillMore() }
            if bufEnd - bufStart >= 3 && buf[bufStart] == 0xEF && buf[bufStart + 1] == 0xBB && buf[bufStart + 2] == 0xBF {
                bufStart += 3
                hadBOM = true
                lineStart = bufBase + bufStart
            }
        }
        if detectDelimiter {
            delim = try detect()
            unquotedSpecial[Int(delim)] = 1
            scanner = CSVStructuralScanner(delimiter: delim)
        }
    }

    /// Counts `,` `;` and TAB outside quotes in the first line (up to 4 MiB of it); the most frequent wins.
    private func detect() throws -> UInt8 {
        var comma = 0, semicolon = 0, tab = 0
        var inQuotes = false, seenText = false
        var j = bufStart
        scan: while true {
            while j < bufEnd {
                let c = buf[j]
                j += 1
                if c == Self.quote { inQuotes.toggle(); seenText = true; continue }
                if inQuotes { continue }
                switch c {
                case Self.cr, Self.lf: if seenText { break scan }
                case 0x2C: comma += 1; seenText = true
                case 0x3B: semicolon += 1; seenText = true
                case 0x09: tab += 1; seenText = true
                default: seenText = true
                }
            }
            if eof || bufEnd - bufStart >= 4 << 20 { break }
            j -= try fillMore()
        }
        if semicolon > comma && semicolon >= tab { return 0x3B }
        if tab > comma && tab > semicolon { return 0x09 }
        return 0x2C
    }

    // MARK: - Parsing

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Sets bit 7 of the lowest byte of `v` that is the delimiter, a quote or below 0x0E (CR, LF, NUL and
    /// some harmless controls, which the byte-wise path then copies); bytes above it may be flagged falsely.
    @inline(__always)
    private static func maybeSpecial(_ v: UInt64, delimiterLanes: UInt64) -> UInt64 {
        let low = (v &- ones &* 0x0E) & ~v
        let q = v ^ (ones &* 0x22)
        let isQuote = (q &- ones) & ~q
        let x = v ^ delimiterLanes
        let isDelimiter = (x &- ones) & ~x
        return (low | isQuote | isDelimiter) & highs
    }

    /// Like ``maybeSpecial(_:delimiterLanes:)`` for a quoted field: a quote or a byte below 0x0E.
    @inline(__always)
    private static func maybeSpecialQuoted(_ v: UInt64) -> UInt64 {
        let low = (v &- ones &* 0x0E) & ~v
        let q = v ^ (ones &* 0x22)
        let isQuote = (q &- ones) & ~q
        return (low | isQuote) & highs
    }

    @inline(__always)
    private func ensureScratch(_ needed: Int) {
        if needed > scratchCap { growScratch(needed) }
    }

    @inline(never)
    private func growScratch(_ needed: Int) {
        let newCap = max(needed, scratchCap * 2)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: newCap)
        p.initialize(from: scratch, count: scratchLen)
        scratch.deallocate()
        scratch = p
        scratchCap = newCap
    }

    private func growEnds() throws {
        if fieldCount >= maxFieldsPerRecord {
            throw CSVError(kind: .tooManyFields(limit: maxFieldsPerRecord), position: fieldPosition())
        }
        let newCap = min(endsCap * 2, maxFieldsPerRecord)
        let p = UnsafeMutablePointer<Int>.allocate(capacity: newCap)
        p.initialize(from: ends, count: fieldCount)
        ends.deallocate()
        ends = p
        endsCap = newCap
    }

    /// Throws the limit error that the record's first `o` bytes have already broken, the one broken
    /// earliest first. Called before every other fatal error and at the end of every block, so
    /// that which error a file gets does not depend on where read(2) happened to split it.
    @inline(__always)
    private func checkLimits(_ o: Int, fieldOpen: Bool) throws {
        let fieldOver = fieldOpen && o - fieldStart > maxFieldBytes
        let recordOver = o > maxRecordBytes
        guard fieldOver || recordOver else { return }
        // The field limit broke at scratch index fieldStart + maxFieldBytes, the record's at maxRecordBytes.
        if fieldOver && (!recordOver || fieldStart + maxFieldBytes <= maxRecordBytes) {
            throw CSVError(kind: .fieldTooLong(limit: maxFieldBytes), position: fieldPosition())
        }
        throw CSVError(kind: .recordTooLong(limit: maxRecordBytes),
                       position: CSVPosition(record: recordCount, line: recordLine, column: 1, byteOffset: recordOffset))
    }

    /// Closes the current field, which ends at scratch index `o`.
    @inline(__always)
    private func endField(_ o: Int, _ acc: UInt64, quoted: Bool) throws {
        try checkLimits(o, fieldOpen: true)
        if acc & 0x8080_8080_8080_8080 != 0 { checkUTF8(o, quoted: quoted) }
        if fieldCount == endsCap { try growEnds() }
        ends[fieldCount] = o
        fieldCount += 1
    }

    /// Validates a non-ASCII field and notes the input position of the first bad sequence.
    @inline(never)
    private func checkUTF8(_ o: Int, quoted: Bool) {
        let start = fieldStart
        guard let k = UTF8Validation.firstInvalid(scratch + start, count: o - start) else { return }
        // Map field byte k back to the input: a quoted field has an opening quote and doubled quotes.
        var offset = fieldOffset + (quoted ? 1 : 0)
        var ln = fieldLine, ls = fieldLineStart
        var previous: UInt8 = 0
        for j in 0..<k {
            let b = scratch[start + j]
            offset += (quoted && b == Self.quote) ? 2 : 1
            if b == Self.cr {
                ln += 1; ls = offset
            } else if b == Self.lf {
                if previous != Self.cr { ln += 1 }
                ls = offset
            }
            previous = b
        }
        note(.invalidUTF8, CSVPosition(record: recordCount, line: ln, column: offset - ls + 1, byteOffset: offset))
    }

    /// Hands the completed record (scratch[0..<o]) to the caller, or throws its recoverable error.
    @inline(__always)
    private func emit(_ o: Int, into record: inout CSVRecord) throws {
        scratchLen = 0
        state = .recordStart
        if o > maxRecordBytes {
            throw CSVError(kind: .recordTooLong(limit: maxRecordBytes),
                           position: CSVPosition(record: recordCount, line: recordLine,
                                                 column: 1, byteOffset: recordOffset))
        }
        if let error = pending {
            pending = nil
            throw error
        }
        if lending {
            // The fields stay where they are (`scratch`, `ends`) for `readRecord(lending:)`.
            lentLength = o
            record.count = fieldCount
            record.number = recordCount
            record.line = recordLine
            record.byteOffset = recordOffset
            return
        }
        // Grow-only storage: a reused record takes one memcpy per array, no reallocation.
        if record.storage.count < o {
            record.storage.append(contentsOf: repeatElement(0, count: o - record.storage.count))
        }
        if o > 0 {
            let src = scratch
            record.storage.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: src, count: o) }
        }
        let n = fieldCount
        if record.ends.count < n {
            record.ends.append(contentsOf: repeatElement(0, count: n - record.ends.count))
        }
        let endsSource = ends
        record.ends.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: endsSource, count: n) }
        record.count = n
        record.number = recordCount
        record.line = recordLine
        record.byteOffset = recordOffset
        if keepRaw {
            // Swapped, not copied: the reader keeps the record's previous buffer for the next record.
            if record.rawBytes == nil { record.rawBytes = [] }
            swap(&raw, &record.rawBytes!)
        } else {
            record.rawBytes = nil
        }
    }

    /// Reads the usual record, one whose fields ``fastFields(_:_:_:end:base:scan:)`` takes to its
    /// line end in the current block, without the state machine's set-up (its frame alone costs
    /// more than a short record's fields). Returns nil when the record is not one of those, having
    /// left the reader where the state machine picks it up: at the record's start (a blank line, an
    /// empty block, not at a record start), or at the start of the field the fast path stopped at,
    /// with the fields before it read, exactly as ``parse(into:)`` leaves itself after its own call
    /// of `fastFields`.
    @inline(__always)
    private func parseRecordFast(into record: inout CSVRecord) throws -> Bool? {
        var i = bufStart
        let end = bufEnd
        guard state == .recordStart && i < end && structuralScan else { return nil }
        let p = buf
        if skipLF {
            skipLF = false
            if p[i] == Self.lf {
                i &+= 1
                lineStart = bufBase &+ i
                bufStart = i
                if i == end { return nil }
            }
        }
        let c = p[i]
        if c == Self.lf || c == Self.cr { return nil } // a blank line
        ensureScratch(end &- i &+ 32) // as parse's: whole-word and SIMD stores may write past the field
        recordCount &+= 1
        recordLine = line
        recordOffset = bufBase &+ i
        // Emptied only when it holds something: a record read in place leaves it empty.
        if keepRaw { startRaw() }
        fieldCount = 0
        let start = i
        var o = 0
        if fastFields(p, &i, &o, end: end, base: bufBase, scan: &scanner) {
            return try endRecord(at: i, o, p, start, into: &record)
        }
        // The state machine reads on from the field at `i` (fastFields never starts where the limits
        // could break, so parse's limit check at a block's end has nothing to find here).
        if keepRaw { raw.append(contentsOf: UnsafeBufferPointer(start: p + start, count: i &- start)) }
        if i == end { prevCR = p[end &- 1] == Self.cr } // as parse does when a block is used up
        bufStart = i
        scratchLen = o
        state = .fieldStart
        return nil
    }

    private func parse(into record: inout CSVRecord) throws -> Bool {
        let d = delim
        let quote = Self.quote, cr = Self.cr, lf = Self.lf
        let ut = unquotedSpecial, qt = quotedSpecial
        let dLanes = UInt64(d) &* Self.ones
        while true {
            if bufStart == bufEnd {
                try refill()
                if bufStart == bufEnd { return try finishAtEOF(into: &record) }
            }
            let p = buf
            let end = bufEnd
            let base = bufBase
            let blockStart = bufStart
            var i = blockStart
            ensureScratch(scratchLen + (end - i) + 32) // + 32: whole-word and SIMD stores may write past the field
            let out = scratch
            var o = scratchLen
            var acc = fieldAcc
            var st = state
            var rawSegment = i
            let simd = structuralScan
            var scan = scanner
            block: while i < end {
                switch st {
                case .recordStart:
                    let c = p[i]
                    if skipLF {
                        skipLF = false
                        if c == lf { i += 1; lineStart = base + i; continue block }
                    }
                    if c == lf || c == cr { // blank line
                        i += 1
                        line += 1
                        lineStart = base + i
                        skipLF = c == cr
                        continue block
                    }
                    recordCount += 1
                    recordLine = line
                    recordOffset = base + i
                    rawSegment = i
                    if keepRaw { startRaw() }
                    fieldCount = 0
                    o = 0
                    if simd && fastFields(p, &i, &o, end: end, base: base, scan: &scan) {
                        scanner = scan
                        return try endRecord(at: i, o, p, rawSegment, into: &record)
                    }
                    st = .fieldStart
                case .fieldStart:
                    fieldStart = o
                    fieldOffset = base + i
                    fieldLine = line
                    fieldLineStart = lineStart
                    acc = 0
                    if p[i] == quote {
                        i += 1
                        st = .quoted
                    } else {
                        st = .unquoted
                    }
                case .unquoted where simd:
                    while true {
                        var sawHigh = false
                        let j = scan.next(p, from: i, end: end, sawHigh: &sawHigh)
                        if sawHigh { acc |= 0x80 }
                        CSVStructuralScanner.copy(p + i, out + o, j &- i)
                        o &+= j &- i
                        i = j
                        if i >= end { break }
                        let c = p[i]
                        if c == d {
                            try endField(o, acc, quoted: false)
                            i += 1
                            if i < end && p[i] != quote {
                                fieldStart = o
                                fieldOffset = base + i
                                fieldLine = line
                                fieldLineStart = lineStart
                                acc = 0
                                continue
                            }
                            st = .fieldStart
                            continue block
                        }
                        if c == lf || c == cr {
                            try endField(o, acc, quoted: false)
                            scanner = scan
                            return try endRecord(at: i, o, p, rawSegment, into: &record)
                        }
                        if c == quote {
                            try checkLimits(o, fieldOpen: true)
                            throw CSVError(kind: .quoteInUnquotedField, position: here(i))
                        }
                        if c == 0 { note(.nulByte, here(i)) }
                        // NUL, or a control below 0x0E that is data.
                        out[o] = c
                        o &+= 1
                        acc |= UInt64(c)
                        i &+= 1
                    }
                case .quoted where simd:
                    while true {
                        var sawHigh = false
                        let j = scan.next(p, from: i, end: end, sawHigh: &sawHigh)
                        if sawHigh { acc |= 0x80 }
                        CSVStructuralScanner.copy(p + i, out + o, j &- i)
                        o &+= j &- i
                        i = j
                        if i >= end { break }
                        let c = p[i]
                        if c == quote {
                            i += 1
                            st = .quoteInQuoted
                            continue block
                        }
                        if c == cr {
                            line += 1
                            lineStart = base + i + 1
                        } else if c == lf {
                            let afterCR = i > blockStart ? p[i - 1] == cr : prevCR
                            if !afterCR { line += 1 }
                            lineStart = base + i + 1
                        } else if c == 0 {
                            note(.nulByte, here(i))
                        }
                        // The delimiter, a line end or a control: data inside quotes.
                        out[o] = c
                        o &+= 1
                        acc |= UInt64(c)
                        i &+= 1
                    }
                case .unquoted:
                    while true {
                        // Eight bytes at a time while none may be special (copied even if one is;
                        // only the bytes before it count).
                        while i &+ 8 <= end {
                            let v = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                            UnsafeMutableRawPointer(out + o).storeBytes(of: v, as: UInt64.self)
                            let m = Self.maybeSpecial(v, delimiterLanes: dLanes)
                            if m == 0 {
                                acc |= v
                                i &+= 8
                                o &+= 8
                                continue
                            }
                            let k = m.trailingZeroBitCount &>> 3
                            acc |= v & ((1 &<< (UInt64(truncatingIfNeeded: k) &<< 3)) &- 1)
                            i &+= k
                            o &+= k
                            break
                        }
                        if i >= end { break }
                        let c = p[i]
                        if ut[Int(c)] == 0 {
                            out[o] = c
                            o &+= 1
                            acc |= UInt64(c)
                            i &+= 1
                            continue
                        }
                        if c == d {
                            try endField(o, acc, quoted: false)
                            i += 1
                            if i < end && p[i] != quote {
                                // The common case: the next field is unquoted too; start it without
                                // going round the state switch.
                                fieldStart = o
                                fieldOffset = base + i
                                fieldLine = line
                                fieldLineStart = lineStart
                                acc = 0
                                continue
                            }
                            st = .fieldStart
                            continue block
                        }
                        if c == lf || c == cr {
                            try endField(o, acc, quoted: false)
                            return try endRecord(at: i, o, p, rawSegment, into: &record)
                        }
                        if c == quote {
                            try checkLimits(o, fieldOpen: true)
                            throw CSVError(kind: .quoteInUnquotedField, position: here(i))
                        }
                        note(.nulByte, here(i)) // NUL
                        out[o] = c
                        o &+= 1
                        i &+= 1
                    }
                case .quoted:
                    while true {
                        while i &+ 8 <= end {
                            let v = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                            UnsafeMutableRawPointer(out + o).storeBytes(of: v, as: UInt64.self)
                            let m = Self.maybeSpecialQuoted(v)
                            if m == 0 {
                                acc |= v
                                i &+= 8
                                o &+= 8
                                continue
                            }
                            let k = m.trailingZeroBitCount &>> 3
                            acc |= v & ((1 &<< (UInt64(truncatingIfNeeded: k) &<< 3)) &- 1)
                            i &+= k
                            o &+= k
                            break
                        }
                        if i >= end { break }
                        let c = p[i]
                        if qt[Int(c)] != 0 {
                            if c == quote {
                                i += 1
                                st = .quoteInQuoted
                                continue block
                            }
                            if c == cr {
                                line += 1
                                lineStart = base + i + 1
                            } else if c == lf {
                                let afterCR = i > blockStart ? p[i - 1] == cr : prevCR
                                if !afterCR { line += 1 }
                                lineStart = base + i + 1
                            } else {
                                note(.nulByte, here(i))
                            }
                        }
                        out[o] = c
                        o &+= 1
                        acc |= UInt64(c)
                        i &+= 1
                    }
                case .quoteInQuoted:
                    let c = p[i]
                    if c == quote {
                        out[o] = c
                        o &+= 1
                        i += 1
                        st = .quoted
                    } else if c == d {
                        try endField(o, acc, quoted: true)
                        i += 1
                        if simd && i < end && fastFields(p, &i, &o, end: end, base: base, scan: &scan) {
                            scanner = scan
                            return try endRecord(at: i, o, p, rawSegment, into: &record)
                        }
                        st = .fieldStart
                    } else if c == lf || c == cr {
                        try endField(o, acc, quoted: true)
                        scanner = scan
                        return try endRecord(at: i, o, p, rawSegment, into: &record)
                    } else {
                        try checkLimits(o, fieldOpen: true)
                        throw CSVError(kind: .textAfterClosingQuote, position: here(i))
                    }
                }
            }
            // The block is used up in the middle of a record (or between records).
            bufStart = end
            prevCR = p[end - 1] == cr
            state = st
            scratchLen = o
            fieldAcc = acc
            if st != .recordStart {
                if keepRaw { raw.append(contentsOf: UnsafeBufferPointer(start: p + rawSegment, count: end - rawSegment)) }
                try checkLimits(o, fieldOpen: st != .fieldStart)
            }
        }
    }

    /// The fast path for plain fields: from the first byte `i` of a field that does not start with
    /// a quote (`fieldCount` fields, `o` bytes of the record read), closes field after field at the
    /// delimiters ``CSVStructuralScanner`` finds, copying each with SIMD16 stores, up to the line
    /// end. Returns true with `i` at the line end when every field up to it was plain (the caller
    /// ends the record). Returns false with `i` at the first byte of the field that holds a quote,
    /// NUL or other control byte, that needs more room in `ends`, or that the block ends in: the
    /// state machine reads on from that field exactly as if it had read the fields before it
    /// itself, so every error and its position stay the state machine's. It does not start when
    /// the rest of the block could break the field or record limit (never, with the defaults), so
    /// it needs no limit checks.
    @inline(__always)
    private func fastFields(_ p: UnsafeMutablePointer<UInt8>, _ i: inout Int, _ o: inout Int, end: Int, base: Int,
                            scan: inout CSVStructuralScanner) -> Bool {
        let rest = end &- i
        guard rest <= maxFieldBytes && o &+ rest <= maxRecordBytes else { return false }
        let out = scratch, endsOut = ends, endsLimit = endsCap
        let d = delim
        var fs = i // the open field's first byte
        var n = fieldCount
        var length = o
        var openHigh = false // the open field has a byte >= 0x80 in a window already left
        var w = fs & ~63
        scan.ensure(p, holding: w)
        // The window's masks in registers (`scan` is only written when a window is loaded).
        let startBits = UInt64.max &<< UInt64(truncatingIfNeeded: fs &- w)
        var special = scan.special & startBits
        // Bytes >= 0x80 at or after the open field's start: cleared up to each field's end as it
        // closes (the delimiter is never one), so what is left below a field's end is its own.
        var high = scan.high & startBits
        while true {
            if end &- w < 64 { special &= (1 &<< UInt64(truncatingIfNeeded: end &- w)) &- 1 }
            if high == 0 && !openHigh && n &+ 64 <= endsLimit {
                // Most windows: all ASCII and room in `ends` for every field the window can close,
                // so a field is only copied and its end recorded.
                while special != 0 {
                    let pos = w &+ special.trailingZeroBitCount
                    guard p[pos] == d else { break }
                    let len = pos &- fs
                    CSVStructuralScanner.copy(p + fs, out + length, len)
                    length &+= len
                    endsOut[n] = length
                    n &+= 1
                    fs = pos &+ 1
                    special &= special &- 1
                }
            }
            while special != 0 {
                let pos = w &+ special.trailingZeroBitCount
                let c = p[pos]
                // One branch per field that only the record's last field mispredicts: a line end
                // (or anything else) leaves the loop.
                guard c == d, n < endsLimit else { break }
                closePlainField(p, fs, pos, w, &high, openHigh, out, endsOut, &length, &n, base)
                openHigh = false
                fs = pos &+ 1
                special &= special &- 1
            }
            if special != 0 {
                // Stopped at a byte that is not the delimiter, or `ends` is full.
                let pos = w &+ special.trailingZeroBitCount
                let c = p[pos]
                if (c == Self.lf || c == Self.cr) && n < endsLimit {
                    closePlainField(p, fs, pos, w, &high, openHigh, out, endsOut, &length, &n, base)
                    fieldCount = n
                    o = length
                    i = pos
                    return true
                }
                if c == Self.quote && pos == fs && n < endsLimit,
                   let after = quotedField(p, pos, end: end, base: base, w: &w, special: &special, high: &high,
                                           out: out, length: &length, scan: &scan) {
                    endsOut[n] = length
                    n &+= 1
                    openHigh = false
                    if p[after] != d {
                        fieldCount = n
                        o = length
                        i = after
                        return true
                    }
                    fs = after &+ 1
                    continue
                }
                fieldCount = n
                o = length
                i = fs
                return false
            }
            if w &+ 64 >= end { break }
            // The open field runs on into the next window.
            if high != 0 { openHigh = true }
            w &+= 64
            scan.load(p, window: w)
            special = scan.special
            high = scan.high
            // After a quoted field that closed on the window's last byte the open field starts at
            // the window's byte 1 (its delimiter is byte 0).
            if fs > w {
                special &= UInt64.max &<< UInt64(truncatingIfNeeded: fs &- w)
                high &= UInt64.max &<< UInt64(truncatingIfNeeded: fs &- w)
            }
        }
        // The block ends in the open field.
        fieldCount = n
        o = length
        i = fs
        return false
    }

    /// The quoted field opening at `p[q]` for ``fastFields(_:_:_:end:base:scan:)``, when it ends in
    /// this block with its closing quote followed by the delimiter or a line end, and holds no NUL
    /// or control byte other than CR and LF (doubled quotes, delimiters and line ends inside are
    /// fine): copies its contents (one quote for each doubled pair) to `out` at `length`,
    /// validates them when one is >= 0x80 (as ``endField(_:_:quoted:)`` would, with the same
    /// position), counts the lines inside as the state machine does, and returns the index of the
    /// byte after the closing quote, with `w`/`special`/`high` the window holding it and its
    /// special bits after it. Returns nil otherwise, having changed nothing but `scan` and the
    /// bytes of `out` at or after `length` (the state machine then reads the field from `q`, so
    /// every error and position stays its own). `special` has `q`'s bit as its lowest on entry;
    /// `q + 1 ..< end` stays within the block, and every window loaded starts before `end`.
    @inline(__always)
    private func quotedField(_ p: UnsafeMutablePointer<UInt8>, _ q: Int, end: Int, base: Int,
                             w: inout Int, special: inout UInt64, high: inout UInt64,
                             out: UnsafeMutablePointer<UInt8>, length: inout Int,
                             scan: inout CSVStructuralScanner) -> Int? {
        var qw = w
        var bits = special & (special &- 1) // after the opening quote
        var qhigh = high
        var anyHigh = false
        var seg = q &+ 1 // the first byte not yet copied
        var olen = length
        var ln = line, ls = lineStart
        while true {
            while bits == 0 {
                // Bytes >= 0x80 of this window from the field's start (the quotes themselves are not).
                let from = q > qw ? UInt64.max &<< UInt64(truncatingIfNeeded: q &- qw) : UInt64.max
                if qhigh & from != 0 { anyHigh = true }
                if qw &+ 64 >= end { return nil } // the block ends inside the field
                qw &+= 64
                scan.load(p, window: qw)
                bits = scan.special
                qhigh = scan.high
                if seg > qw { bits &= UInt64.max &<< UInt64(truncatingIfNeeded: seg &- qw) }
                if end &- qw < 64 { bits &= (1 &<< UInt64(truncatingIfNeeded: end &- qw)) &- 1 }
            }
            let k = qw &+ bits.trailingZeroBitCount
            let c = p[k]
            bits &= bits &- 1
            if c == Self.quote {
                let next = k &+ 1
                if next >= end { return nil }
                let c2 = p[next]
                if c2 == Self.quote {
                    // A doubled quote: the field's bytes up to and including one quote.
                    CSVStructuralScanner.copy(p + seg, out + olen, next &- seg)
                    olen &+= next &- seg
                    seg = next &+ 1
                    if next &- qw < 64 { bits &= ~(1 &<< UInt64(truncatingIfNeeded: next &- qw)) }
                    continue
                }
                guard c2 == delim || c2 == Self.lf || c2 == Self.cr else { return nil }
                CSVStructuralScanner.copy(p + seg, out + olen, k &- seg)
                olen &+= k &- seg
                let from = q > qw ? UInt64.max &<< UInt64(truncatingIfNeeded: q &- qw) : UInt64.max
                if qhigh & from & ((1 &<< UInt64(truncatingIfNeeded: k &- qw)) &- 1) != 0 { anyHigh = true }
                if anyHigh {
                    // As endField, with the state machine's field position for the error's.
                    fieldStart = length
                    fieldOffset = base &+ q
                    fieldLine = line
                    fieldLineStart = lineStart
                    checkUTF8(olen, quoted: true)
                }
                line = ln
                lineStart = ls
                length = olen
                // The window holding `next` and its special bits after it.
                if next &- qw >= 64 {
                    qw &+= 64
                    scan.load(p, window: qw)
                    bits = scan.special & ~1
                    qhigh = scan.high
                } else {
                    bits &= ~(1 &<< UInt64(truncatingIfNeeded: next &- qw))
                    // Only bytes after the field count for the next one (see fastFields' `high`).
                    qhigh &= UInt64.max &<< UInt64(truncatingIfNeeded: next &- qw)
                }
                w = qw
                special = bits
                high = qhigh
                return next
            }
            if c == Self.cr {
                ln &+= 1
                ls = base &+ k &+ 1
            } else if c == Self.lf {
                // `k - 1` is in the field (at worst its opening quote).
                if p[k &- 1] != Self.cr { ln &+= 1 }
                ls = base &+ k &+ 1
            } else if c != delim {
                return nil // NUL or another control byte: the state machine's
            }
        }
    }

    /// Closes the plain field `p[fs..<pos]` for ``fastFields(_:_:_:end:base:scan:)`` (`pos` is in
    /// the window at `w`, whose high-byte mask `high` has no bits below the field's start left):
    /// copies it to `out` at `length`, validates it when it has a byte >= 0x80 (`openHigh`: in a
    /// window already left), records its end, and clears `high` below `pos`.
    /// Whether it has one is computed without a branch: windows with and without such bytes
    /// alternate unpredictably, fields with one are rarer.
    @inline(__always)
    private func closePlainField(_ p: UnsafeMutablePointer<UInt8>, _ fs: Int, _ pos: Int, _ w: Int, _ high: inout UInt64,
                                 _ openHigh: Bool, _ out: UnsafeMutablePointer<UInt8>, _ endsOut: UnsafeMutablePointer<Int>,
                                 _ length: inout Int, _ n: inout Int, _ base: Int) {
        let len = pos &- fs
        CSVStructuralScanner.copy(p + fs, out + length, len)
        let below = (1 &<< UInt64(truncatingIfNeeded: pos &- w)) &- 1
        if (high & below) | (openHigh ? 1 : 0) != 0 {
            // As endField, with the state machine's field position for the error's.
            fieldStart = length
            fieldOffset = base &+ fs
            fieldLine = line
            fieldLineStart = lineStart
            checkUTF8(length &+ len, quoted: false)
        }
        high &= ~below
        length &+= len
        endsOut[n] = length
        n &+= 1
    }

    /// Empties the raw buffer at a record's start (only when it holds something: a record lent
    /// in place leaves it empty). Out of line, as ``endRaw(_:from:to:)``: the parse loops, which
    /// call them only with ``CSVReaderOptions/keepRawRecord``, stay as small without the option.
    @inline(never)
    private func startRaw() {
        if !raw.isEmpty { raw.removeAll(keepingCapacity: true) }
    }

    /// The raw bytes of a record ending at `i`, its last piece starting at `start` in the block
    /// `p`: lent where they are (``readRecord(lendingRaw:)``) when the whole record lies in this
    /// block (`raw` is still empty), appended to `raw` otherwise.
    @inline(never)
    private func endRaw(_ p: UnsafeMutablePointer<UInt8>, from start: Int, to i: Int) {
        if rawInPlace && raw.isEmpty {
            lentRawStart = UnsafePointer(p + start)
            lentRawCount = i - start
        } else {
            raw.append(contentsOf: UnsafeBufferPointer(start: p + start, count: i - start))
        }
    }

    /// Ends the record at the line end byte `p[i]` (CR or LF), after its last field was closed.
    @inline(__always)
    private func endRecord(at i: Int, _ o: Int, _ p: UnsafeMutablePointer<UInt8>, _ rawSegment: Int,
                           into record: inout CSVRecord) throws -> Bool {
        if keepRaw { endRaw(p, from: rawSegment, to: i) }
        let next = i &+ 1
        if p[i] == Self.cr && next < bufEnd && p[next] == Self.lf {
            // CRLF: the LF is taken now rather than skipped at the next record's start.
            skipLF = false
            bufStart = next &+ 1
            lineStart = bufBase &+ next &+ 1
        } else {
            skipLF = p[i] == Self.cr
            bufStart = next
            lineStart = bufBase &+ next
        }
        line += 1
        try emit(o, into: &record)
        return true
    }

    private func finishAtEOF(into record: inout CSVRecord) throws -> Bool {
        let o = scratchLen
        switch state {
        case .recordStart:
            return false
        case .quoted:
            state = .recordStart
            try checkLimits(o, fieldOpen: true)
            throw CSVError(kind: .unterminatedQuote(openedAtLine: fieldLine), position: fieldPosition())
        case .fieldStart: // the input ends right after a delimiter: one more, empty, field
            fieldStart = o
            fieldOffset = bufBase
            fieldLine = line
            fieldLineStart = lineStart
            try endField(o, 0, quoted: false)
        case .unquoted:
            try endField(o, fieldAcc, quoted: false)
        case .quoteInQuoted:
            try endField(o, fieldAcc, quoted: true)
        }
        try emit(o, into: &record)
        return true
    }
}
