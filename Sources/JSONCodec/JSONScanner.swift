#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel
#endif

/// Reads a JSON document straight from its bytes, value by value, so a reader takes only the
/// fields it needs and never builds a tree, a dictionary or a `String` for a key.
///
/// Why: the import client spent half its CPU in `JSONDecoder` on bulk answers (issue 17). This
/// scanner is what replaces it: a reader peeks a value's kind, reads the scalars it wants and
/// `skipValue()`s the rest.
///
/// As strict as `JSONSerialization` and `JSONDecoder`: the whole document is checked as it is read
/// (also the values that are skipped), so a document one of them refuses is refused here too:
/// grammar (RFC 8259), UTF-8 validity of every string and key, escapes including surrogate pairs
/// (a lone surrogate is an error), control characters inside strings, and nesting deeper than
/// ``maxDepth``; and as lenient: one trailing comma in an object or array is accepted, and
/// numbers beyond `Double`'s range are read (their ``JSONNumber/double`` is `nil`, as
/// `JSONDecoder` reads them). A UTF-8 byte order mark at the start is skipped. Not supported: UTF-16/32
/// documents (`JSONDecoder` transcodes them; no API answer is one).
///
/// Duplicate keys are handed to the reader in document order; `JSONDecoder` keeps the first,
/// `JSONSerialization` the last: which one wins is the reader's choice.
///
/// Memory safety (the invariants the fuzzer checks with AddressSanitizer):
/// 1. `base` points at `count` readable bytes for the scanner's whole life: it exists only inside
///    the closure of ``scan(_:_:)``, which lends it the buffer.
/// 2. `0 <= position <= count` at all times; every byte read is at an index first checked
///    `< count` (`byte(at:)` is the only read, and its callers check).
/// 3. Recursion (`skipValue`) is bounded by `depth <= maxDepth`, checked when a container opens.
/// 4. `guesses` points at ``JSONKeyGuess/slots`` initialized guesses for the scanner's whole
///    life: ``scan(_:_:)`` allocates them for the closure it lends the buffer to. A guess's
///    `"key":` span and its value's span (at least 4 bytes when compared) lie inside the
///    document (each was read there).
public struct JSONScanner {
    /// The deepest nesting of objects and arrays accepted, as `JSONSerialization` and `JSONDecoder`.
    public static let maxDepth = 512

    private let base: UnsafePointer<UInt8>
    private let count: Int
    private let guesses: UnsafeMutablePointer<JSONKeyGuess>
    /// Offset of the next byte to read.
    public private(set) var position: Int
    /// Objects and arrays open around the position.
    public private(set) var depth = 0

    private init(base: UnsafePointer<UInt8>, count: Int, guesses: UnsafeMutablePointer<JSONKeyGuess>) {
        self.base = base
        self.count = count
        self.guesses = guesses
        // Invariant 2 holds: 0 <= position <= count (a BOM is 3 bytes and only skipped when present).
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { position = 3 } else { position = 0 }
    }

    /// Scans `bytes` with `body`, which reads the document's one value; then checks that only
    /// whitespace follows it.
    /// - Throws: ``JSONScanError`` for a document that is not JSON, or what `body` throws.
    public static func scan<R>(_ bytes: UnsafeRawBufferPointer, _ body: (inout JSONScanner) throws -> R) throws -> R {
        guard let raw = bytes.baseAddress, bytes.count > 0 else {
            throw JSONScanError(offset: 0, reason: "empty document")
        }
        // Invariants 1 and 4: the pointer is valid for bytes.count bytes for this call, the
        // guesses for the closure below, and the scanner cannot outlive either (it is a local
        // handed to `body` inout).
        return try withUnsafeTemporaryAllocation(of: JSONKeyGuess.self, capacity: JSONKeyGuess.slots) { guesses in
            _ = guesses.initialize(from: repeatElement(JSONKeyGuess(), count: JSONKeyGuess.slots))
            var scanner = JSONScanner(base: raw.assumingMemoryBound(to: UInt8.self), count: bytes.count, guesses: guesses.baseAddress!)
            let result = try body(&scanner)
            try scanner.finish()
            return result
        }
    }

    /// ``scan(_:_:)-(UnsafeRawBufferPointer,_)`` over an array of bytes.
    public static func scan<R>(_ bytes: [UInt8], _ body: (inout JSONScanner) throws -> R) throws -> R {
        try bytes.withUnsafeBytes { try scan($0, body) }
    }

    // MARK: - Looking

    /// The kind of the next value (whitespace before it is skipped).
    /// - Throws: at the end of the document or a byte no value starts with.
    public mutating func peek() throws -> JSONKind {
        skipWhitespace()
        guard position < count else { throw error("a value expected, found the end") }
        switch base[position] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        default: throw error("a value expected")
        }
    }

    // MARK: - Containers

    /// Where a reader is inside an object or an array: whether a comma must come first.
    public struct Cursor {
        fileprivate var started = false
        /// Members read so far (``nextKey(_:in:)``'s guesses are kept by member position).
        fileprivate var members = 0
    }

    /// Opens the object at the position; read its fields with ``nextKey(_:)``.
    public mutating func beginObject() throws -> Cursor {
        try open(UInt8(ascii: "{"))
        return Cursor()
    }

    /// Opens the array at the position; read its elements while ``nextElement(_:)`` says so.
    public mutating func beginArray() throws -> Cursor {
        try open(UInt8(ascii: "["))
        return Cursor()
    }

    private mutating func open(_ bracket: UInt8) throws {
        skipWhitespace()
        guard position < count, base[position] == bracket else {
            throw error(bracket == UInt8(ascii: "{") ? "an object expected" : "an array expected")
        }
        // Invariant 3: the recursion of skipValue never goes deeper than this.
        guard depth < Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth)") }
        depth += 1
        position += 1
    }

    /// The next key of the object `cursor` walks, with its colon read (its value comes next:
    /// read it or ``skipValue()`` it); `nil` when the object ends (its `}` read).
    public mutating func nextKey(_ cursor: inout Cursor) throws -> JSONKey? {
        try memberKey(&cursor)
    }

    /// The index in `table` of the next key of the object `cursor` walks that `table` has, with
    /// its colon read (its value comes next); the members before it, whose keys `table` does not
    /// have, are skipped and checked. `nil` when the object ends (its `}` read).
    ///
    /// One call per wanted field instead of three per member (issue 17: an answer's resource
    /// has some thirty top-level keys, of which the import reads eleven).
    public mutating func nextKey(_ cursor: inout Cursor, in table: JSONKeyTable) throws -> Int? {
        let tableID = UInt(bitPattern: ObjectIdentifier(table))
        while true {
            guard var p = try memberStart(&cursor) else { return nil }
            // `p` is the key's opening quote. The key the previous object had here, if these
            // bytes repeat it and its colon (JSONKeyGuess: then it is that key, checked).
            let slot = JSONKeyGuess.slot(depth: depth, member: cursor.members)
            cursor.members &+= 1
            let guess = guesses[slot]
            let found: Int?
            // Whether `guesses[slot]` describes this member's key (and so may describe its value).
            var guessed = false
            if guess.length > 0, guess.table == tableID, Self.sameBytes(base, Int(guess.quote), p, Int(guess.length) &+ 3, count) {
                p &+= Int(guess.length) &+ 3
                found = guess.index >= 0 ? Int(guess.index) : nil
                guessed = true
            } else {
                let (key, compact, next) = try keyAndColon(at: p)
                p = next
                // Invariant 2: an unescaped key's range lies inside the document.
                found = key.escaped
                    ? withBytes(of: key) { table.index(of: $0) }
                    : table.index(of: UnsafeBufferPointer(start: base + key.offset, count: key.count))
                if compact, key.count > 0, key.count <= Int(UInt16.max), key.offset - 1 <= Int(Int32.max) {
                    guesses[slot] = JSONKeyGuess(quote: Int32(key.offset - 1), length: UInt16(key.count), index: Int16(found ?? -1), table: tableID)
                    guessed = true
                }
            }
            position = p
            if let found { return found }
            // The usual unwanted values, `null`, `false`, `true`, a one-digit number and plain
            // strings, skipped here without a call (the checks of `skipValue`: the literal's
            // bytes; a digit with no digit, `.`, `e` or `E` after it; a string's end, no escape,
            // no control or high byte before it). A call to `skipString(from:)` here cost ~180
            // instructions a row more.
            if position < count {
                let b = base[position]
                if count - position >= 5 {
                    let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt32.self)
                    if word == Self.nullWord || word == Self.trueWord {
                        position += 4
                        continue
                    }
                    if word == Self.falsWord, base[position + 4] == UInt8(ascii: "e") {
                        position += 5
                        continue
                    }
                }
                if b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9"), position + 1 < count {
                    let after = base[position + 1]
                    if !(after >= UInt8(ascii: "0") && after <= UInt8(ascii: "9")) && after != UInt8(ascii: ".")
                        && after | 0x20 != UInt8(ascii: "e") {
                        position += 1
                        continue
                    }
                }
                if b == UInt8(ascii: "\"") {
                    let (stop, high) = Self.stringStop(base, count, from: position + 1)
                    if stop < count, base[stop] == UInt8(ascii: "\""), !high {
                        position = stop + 1
                        continue
                    }
                }
                if guessed, b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    // An object or array: the same bytes as the value the previous object had
                    // here (checked then) are passed whole; otherwise it is checked and kept.
                    // At least 4 bytes (`sameBytes` compares words), the same key's value, at the same depth.
                    let length = Int(guess.valueLength)
                    if length >= 4, guess.quote == guesses[slot].quote, Int(guess.valueDepth) == depth,
                       Self.sameBytes(base, Int(guess.valueStart), position, length, count) {
                        position &+= length
                        continue
                    }
                    let start = position
                    try skipValue()
                    if position <= Int(Int32.max), depth <= Int(Int32.max) {
                        guesses[slot].valueStart = Int32(start)
                        guesses[slot].valueLength = Int32(position - start)
                        guesses[slot].valueDepth = Int32(depth)
                    }
                    continue
                }
            }
            try skipValue()
        }
    }

    /// Whether the `n` bytes at `a` and at `b` are equal; `a + n` lies inside the document, and
    /// `b + n` must be checked against `count` (invariant 2).
    @inline(__always)
    private static func sameBytes(_ base: UnsafePointer<UInt8>, _ a: Int, _ b: Int, _ n: Int, _ count: Int) -> Bool {
        guard n <= count &- b else { return false }
        let x = UnsafeRawPointer(base + a)
        let y = UnsafeRawPointer(base + b)
        var i = 0
        while i &+ 8 < n {
            if x.loadUnaligned(fromByteOffset: i, as: UInt64.self) != y.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i &+= 8
        }
        // The last (up to) eight bytes; `n >= 4` (two quotes, a colon, a byte of key).
        if n >= 8 {
            return x.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        }
        return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
            && x.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self) == y.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
    }

    /// The comma before a member, or the closing brace (``nextMember(_:closing:)``), then the
    /// key's opening quote: its offset (the key not checked yet), or `nil` when the object ends.
    @inline(__always)
    private mutating func memberStart(_ cursor: inout Cursor) throws -> Int? {
        guard let p = try nextMember(&cursor, closing: UInt8(ascii: "}")) else { return nil }
        guard p < count, base[p] == UInt8(ascii: "\"") else { throw JSONScanError(offset: p, reason: "a key expected") }
        return p
    }

    /// ``nextKey(_:)`` on local copies of the position: the comma or the closing brace
    /// (``memberStart(_:)``), the key, the colon. Same checks, error reasons and offsets as
    /// ``nextMember(_:closing:)`` and ``readKey()`` (invariant 2: every `base[p]` is read after
    /// checking `p < count`).
    @inline(__always)
    private mutating func memberKey(_ cursor: inout Cursor) throws -> JSONKey? {
        guard let p = try memberStart(&cursor) else { return nil }
        let (key, _, next) = try keyAndColon(at: p)
        position = next
        return key
    }

    /// The key whose opening quote is at `quote`, and the colon after it: the key, whether the
    /// colon came right after the key's closing quote, and the offset after the colon. A key
    /// with escapes or bytes >= 0x80, and every error, goes through ``readKey()``.
    @inline(__always)
    private mutating func keyAndColon(at quote: Int) throws -> (key: JSONKey, compact: Bool, next: Int) {
        var p = quote
        let start = p + 1
        let (stop, high) = Self.stringStop(base, count, from: start)
        let key: JSONKey
        if stop < count, base[stop] == UInt8(ascii: "\""), !high {
            key = JSONKey(offset: start, count: stop - start, escaped: false)
            p = stop + 1
        } else {
            position = p
            key = try readKey()
            p = position
        }
        let compact = p < count && base[p] == UInt8(ascii: ":")
        while p < count, base[p] <= 0x20, Self.isWhitespace(base[p]) { p += 1 }
        guard p < count, base[p] == UInt8(ascii: ":") else { throw JSONScanError(offset: p, reason: "a colon expected") }
        return (key, compact, p + 1)
    }

    /// Whether the array `cursor` walks has another element (read it next); `false` when the
    /// array ends (its `]` read).
    public mutating func nextElement(_ cursor: inout Cursor) throws -> Bool {
        try nextMember(&cursor, closing: UInt8(ascii: "]")) != nil
    }

    /// Reads the comma before a member, or the closing bracket (also after a trailing comma):
    /// the member's offset (the position, whitespace passed), or `nil` when the container ends.
    @inline(__always)
    private mutating func nextMember(_ cursor: inout Cursor, closing: UInt8) throws -> Int? {
        // On a local copy of the position (invariant 2: every `base[p]` read after `p < count`).
        var p = position
        while p < count, base[p] <= 0x20, Self.isWhitespace(base[p]) { p += 1 }
        guard p < count else { throw JSONScanError(offset: p, reason: "the end inside an object or array") }
        if base[p] == closing {
            position = p + 1
            depth -= 1
            return nil
        }
        if cursor.started {
            guard base[p] == UInt8(ascii: ",") else { throw JSONScanError(offset: p, reason: "a comma or a closing bracket expected") }
            p += 1
            while p < count, base[p] <= 0x20, Self.isWhitespace(base[p]) { p += 1 }
            // One comma after the last member is accepted, as `JSONDecoder` and
            // `JSONSerialization` accept it (`[1,]`, `{"a":1,}`); `[,]` and `[1,,]` are not.
            if p < count, base[p] == closing {
                position = p + 1
                depth -= 1
                return nil
            }
        }
        cursor.started = true
        position = p
        return p
    }

    // MARK: - Scalars

    /// Reads the string at the position (escapes resolved).
    public mutating func readString() throws -> String {
        skipWhitespace()
        guard position < count, base[position] == UInt8(ascii: "\"") else { throw error("a string expected") }
        position += 1
        let start = position
        let high = stopInString()
        guard position < count else { throw error("a string without its closing quote") }
        let b = base[position]
        if b == UInt8(ascii: "\"") {
            let text = UnsafeBufferPointer(start: base + start, count: position - start)
            if high, !Self.isValidUTF8(text) { throw JSONScanError(offset: start, reason: "a string is not valid UTF-8") }
            position += 1
            return String(decoding: text, as: UTF8.self)
        }
        if b == UInt8(ascii: "\\") {
            var bytes = Array(UnsafeBufferPointer(start: base + start, count: position - start))
            try readEscapes(into: &bytes, from: start)
            return String(decoding: bytes, as: UTF8.self)
        }
        throw error("a control character inside a string")
    }

    /// ``readString()``, answering `expected` itself when the string is exactly its bytes with no
    /// escape: bytes equal to a valid string's UTF-8 are valid, so reading them could only give an
    /// equal string. Why: a bulk answer repeats the e-mail, name and calendar id each row sent,
    /// and each was made again (an allocation, a copy and a UTF-8 check) for every row (issue 17).
    public mutating func readString(reusing expected: String) throws -> String {
        skipWhitespace()
        if position < count, base[position] == UInt8(ascii: "\"") {
            let start = position + 1
            let (stop, _) = Self.stringStop(base, count, from: start)
            // Invariant 2: the compared bytes end before `stop < count`.
            if stop < count, base[stop] == UInt8(ascii: "\""), stop - start == expected.utf8.count {
                let base = self.base
                let same = expected.utf8.withContiguousStorageIfAvailable { e in
                    e.isEmpty || Self.equalBytes(e.baseAddress!, base + start, e.count)
                }
                if same == true {
                    position = stop + 1
                    return expected
                }
            }
        }
        return try readString()
    }

    /// Whether the `n` bytes at `a` and `b` are equal, read eight at a time and then one by one
    /// (never past either end).
    @inline(__always)
    private static func equalBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i &+ 8 <= n {
            if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) {
                return false
            }
            i &+= 8
        }
        while i < n {
            if a[i] != b[i] { return false }
            i &+= 1
        }
        return true
    }

    /// Moves the position to the first byte at or after it that is a quote, a backslash or a
    /// control character (or to the end); returns whether a byte >= 0x80 was passed.
    @inline(__always)
    private mutating func stopInString() -> Bool {
        let (stop, high) = Self.stringStop(base, count, from: position)
        position = stop
        return high
    }

    /// The first offset at or after `from` whose byte is a quote, a backslash or a control
    /// character (or `count`), and whether a byte >= 0x80 lies before it.
    ///
    /// Eight bytes at a time while eight are left (invariant 2: a word is loaded only when
    /// `p + 8 <= count`): the classic zero-byte test flags the bytes of a word that are a
    /// quote, a backslash or a control byte. It may also flag a byte just above a real hit (a
    /// borrow), never below the first real one, so the lowest flag is where the string stops.
    ///
    /// On x86_64, sixteen bytes at a time first (invariant 2: a vector is loaded only when
    /// `p + 16 <= count`), with SSE2's compares and `pmovmskb` (Clang's builtin intrinsics
    /// module, part of the toolchain, as CSVCodec uses it): exact flags, no borrows. The answers'
    /// strings (auth links, descriptions) are most of their bytes (issue 17).
    @inline(__always)
    private static func stringStop(_ base: UnsafePointer<UInt8>, _ count: Int, from: Int) -> (Int, Bool) {
        var p = from
        var high: UInt64 = 0
        #if arch(x86_64) && canImport(_Builtin_intrinsics)
        while p + 16 <= count {
            let v = UnsafeRawPointer(base + p).loadUnaligned(as: __m128i.self)
            let hit = JSONStringStops.mask(v)
            let tops = UInt32(bitPattern: _mm_movemask_epi8(v))
            if hit != 0 {
                let k = hit.trailingZeroBitCount
                // Only the bytes before the stop count as passed.
                if tops & ((1 << k) &- 1) != 0 { high = 1 }
                return (p + k, high != 0)
            }
            if tops != 0 { high = 1 }
            p += 16
        }
        #endif
        let ones: UInt64 = 0x0101_0101_0101_0101
        let tops: UInt64 = 0x8080_8080_8080_8080
        while p + 8 <= count {
            let w = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
            let q = w ^ (ones &* 0x22)
            let bs = w ^ (ones &* 0x5C)
            let hit = ((q &- ones) & ~q | (bs &- ones) & ~bs | (w &- ones &* 0x20) & ~w) & tops
            if hit != 0 {
                // The lowest flagged byte is a real hit (a false flag needs a real hit below it).
                let k = hit.trailingZeroBitCount >> 3
                if k > 0 { high |= w & tops & (UInt64.max >> (64 - 8 * k)) }
                return (p + k, high != 0)
            }
            high |= w & tops
            p += 8
        }
        while p < count {
            let b = base[p]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
            high |= UInt64(b & 0x80)
            p += 1
        }
        return (p, high != 0)
    }

    /// Reads the number at the position.
    public mutating func readNumber() throws -> JSONNumber {
        skipWhitespace()
        let start = position
        let exact = try scanNumber()
        // An integer of at most 18 digits is its value; its text is made only when asked for
        // (issue 17: every answered resource has a few), except `-0`, which the value loses.
        if let value = exact.value, !(value == 0 && base[start] == UInt8(ascii: "-")) { return JSONNumber(exactInt: value) }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: position - start), as: UTF8.self)
        return JSONNumber(text: text, exactInt: exact.isInteger ? (exact.value ?? Int(text)) : nil)
    }

    /// Reads `true` or `false`.
    public mutating func readBool() throws -> Bool {
        skipWhitespace()
        if matchLiteral("true") { return true }
        if matchLiteral("false") { return false }
        throw error("true or false expected")
    }

    /// Reads `null`.
    public mutating func readNull() throws {
        skipWhitespace()
        guard matchLiteral("null") else { throw error("null expected") }
    }

    /// Reads `null` if the next value is one; otherwise leaves the position alone.
    public mutating func readNullIfPresent() throws -> Bool {
        guard try peek() == .null else { return false }
        try readNull()
        return true
    }

    /// Skips the next value, checking it as thoroughly as reading it would.
    ///
    /// One loop over local copies of the position, with a bit stack of the containers it has
    /// opened, instead of a call per member: an answer's resource has some sixty values the
    /// import does not want, most of them `null` or short strings inside `address{}`,
    /// `contact{}` and `customFields{}`, and calls through the scanner's stored position cost
    /// more than the bytes (issue 17). Same checks, error reasons and offsets as reading.
    public mutating func skipValue() throws {
        let base = self.base
        let count = self.count
        var p = position
        // Containers opened by this skip: bit 0 of `kinds` is the innermost (1 = object); the
        // words of outer levels, 64 to a word, wait in `spilled` (at most 512 levels: invariant 3).
        var kinds: UInt64 = 0
        var level = 0
        var spilled: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        // Whether a member's key and colon come before the next value.
        var wantKey = false
        // Invariant 2 throughout: every `base[p]` below is read after checking `p < count`.
        value: while true {
            if wantKey {
                guard p < count, base[p] == UInt8(ascii: "\"") else { throw JSONScanError(offset: p, reason: "a key expected") }
                p = try skipString(from: p)
                while p < count, base[p] <= 0x20, Self.isWhitespace(base[p]) { p += 1 }
                guard p < count, base[p] == UInt8(ascii: ":") else { throw JSONScanError(offset: p, reason: "a colon expected") }
                p += 1
                wantKey = false
            }
            while p < count, base[p] <= 0x20, Self.isWhitespace(base[p]) { p += 1 }
            guard p < count else { throw JSONScanError(offset: p, reason: "a value expected, found the end") }
            switch base[p] {
            case UInt8(ascii: "\""):
                p = try skipString(from: p)
            case UInt8(ascii: "n"):
                guard count - p >= 4, UnsafeRawPointer(base + p).loadUnaligned(as: UInt32.self) == Self.nullWord else {
                    throw JSONScanError(offset: p, reason: "null expected")
                }
                p += 4
            case UInt8(ascii: "t"):
                guard count - p >= 4, UnsafeRawPointer(base + p).loadUnaligned(as: UInt32.self) == Self.trueWord else {
                    throw JSONScanError(offset: p, reason: "true or false expected")
                }
                p += 4
            case UInt8(ascii: "f"):
                guard count - p >= 5, UnsafeRawPointer(base + p).loadUnaligned(as: UInt32.self) == Self.falsWord,
                      base[p + 4] == UInt8(ascii: "e")
                else { throw JSONScanError(offset: p, reason: "true or false expected") }
                p += 5
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                position = p
                _ = try scanNumber()
                p = position
            case let bracket where bracket == UInt8(ascii: "{") || bracket == UInt8(ascii: "["):
                // Invariant 3: no deeper than `maxDepth` counting the containers open around the skip.
                guard depth + level < Self.maxDepth else { throw JSONScanError(offset: p, reason: "nested deeper than \(Self.maxDepth)") }
                if level > 0, level & 63 == 0 {
                    // Word (level >> 6) - 1 <= 7, as level < maxDepth = 512.
                    withUnsafeMutableBytes(of: &spilled) { $0.storeBytes(of: kinds, toByteOffset: 8 * ((level >> 6) - 1), as: UInt64.self) }
                    kinds = 0
                }
                let isObject = bracket == UInt8(ascii: "{")
                kinds = kinds &<< 1 | (isObject ? 1 : 0)
                level += 1
                p += 1
                while p < count, base[p] <= 0x20, Self.isWhitespace(base[p]) { p += 1 }
                guard p < count else { throw JSONScanError(offset: p, reason: "the end inside an object or array") }
                if base[p] != (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    wantKey = isObject
                    continue value
                }
                // An empty container: closed below, as after its last member.
                p += 1
                kinds &>>= 1
                level -= 1
                if level > 0, level & 63 == 0 {
                    kinds = withUnsafeBytes(of: &spilled) { $0.load(fromByteOffset: 8 * ((level >> 6) - 1), as: UInt64.self) }
                }
            default:
                throw JSONScanError(offset: p, reason: "a value expected")
            }
            // After a value: done at the top, otherwise a comma and the next member, or the
            // closing bracket (also after one trailing comma).
            while level > 0 {
                let closing = kinds & 1 == 1 ? UInt8(ascii: "}") : UInt8(ascii: "]")
                while p < count, base[p] <= 0x20, Self.isWhitespace(base[p]) { p += 1 }
                guard p < count else { throw JSONScanError(offset: p, reason: "the end inside an object or array") }
                var b = base[p]
                if b == UInt8(ascii: ",") {
                    p += 1
                    while p < count, base[p] <= 0x20, Self.isWhitespace(base[p]) { p += 1 }
                    if p >= count || base[p] != closing {
                        wantKey = kinds & 1 == 1
                        continue value
                    }
                    b = closing
                }
                guard b == closing else { throw JSONScanError(offset: p, reason: "a comma or a closing bracket expected") }
                p += 1
                kinds &>>= 1
                level -= 1
                if level > 0, level & 63 == 0 {
                    kinds = withUnsafeBytes(of: &spilled) { $0.load(fromByteOffset: 8 * ((level >> 6) - 1), as: UInt64.self) }
                }
            }
            position = p
            return
        }
    }

    @inline(__always)
    private static func isWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09
    }

    /// `null` and `true` as the little-endian words ``match4(_:)`` compares.
    private static var nullWord: UInt32 { 0x6C6C_756E }
    private static var trueWord: UInt32 { 0x6575_7274 }
    /// `fals`, the first four bytes of `false`.
    private static var falsWord: UInt32 { 0x736C_6166 }

    /// Checks that only whitespace is left.
    public mutating func finish() throws {
        skipWhitespace()
        guard position == count else { throw error("text after the document") }
    }

    // MARK: - Internals

    private func error(_ reason: String) -> JSONScanError {
        JSONScanError(offset: position, reason: reason)
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < count {
            switch base[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// Whether the next four bytes are `word` (little-endian), moving past them if so:
    /// `true`, `null`, and `fals` of `false`, in one load (invariant 2: only when four are left).
    @inline(__always)
    private mutating func match4(_ word: UInt32) -> Bool {
        guard count - position >= 4, UnsafeRawPointer(base + position).loadUnaligned(as: UInt32.self) == word else { return false }
        position += 4
        return true
    }

    private mutating func matchLiteral(_ literal: StaticString) -> Bool {
        switch literal.utf8CodeUnitCount {
        case 4: return match4(UnsafeRawPointer(literal.utf8Start).loadUnaligned(as: UInt32.self))
        default:
            // "false": "fals" then "e".
            guard count - position >= 5, base[position + 4] == UInt8(ascii: "e") else { return false }
            guard match4(UnsafeRawPointer(literal.utf8Start).loadUnaligned(as: UInt32.self)) else { return false }
            position += 1
            return true
        }
    }

    /// Reads a key at the position (its opening quote): where its text is, and whether it has
    /// escapes. The slow path of ``memberKey(_:)``: keys with escapes or bytes >= 0x80, and errors.
    @inline(never)
    private mutating func readKey() throws -> JSONKey {
        position += 1
        let start = position
        let high = stopInString()
        guard position < count else { throw error("a key without its closing quote") }
        let b = base[position]
        if b == UInt8(ascii: "\"") {
            if high, !Self.isValidUTF8(UnsafeBufferPointer(start: base + start, count: position - start)) {
                throw JSONScanError(offset: start, reason: "a key is not valid UTF-8")
            }
            position += 1
            return JSONKey(offset: start, count: position - 1 - start, escaped: false)
        }
        if b == UInt8(ascii: "\\") {
            // Unescaped once here to check it (the bytes before the backslash included).
            var bytes = Array(UnsafeBufferPointer(start: base + start, count: position - start))
            try readEscapes(into: &bytes, from: start)
            return JSONKey(offset: start, count: position - 1 - start, escaped: true)
        }
        throw error("a control character inside a key")
    }

    // MARK: - Keys

    /// Calls `body` with the UTF-8 bytes of `key` (a key this scanner returned), escapes resolved.
    public func withBytes<R>(of key: JSONKey, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        // Invariant 2: the key's range lies inside the document (readKey checked its quotes).
        guard key.escaped else { return try body(UnsafeBufferPointer(start: base + key.offset, count: key.count)) }
        // Rare: unescape again from the key's text (it was checked when read, so this cannot fail).
        var again = self
        again.position = key.offset
        var bytes: [UInt8] = []
        _ = try? again.readEscapesFromStart(into: &bytes)
        return try bytes.withUnsafeBufferPointer(body)
    }

    /// The key as a string.
    public func string(of key: JSONKey) -> String {
        withBytes(of: key) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether `key` is exactly `name`.
    public func key(_ key: JSONKey, is name: StaticString) -> Bool {
        guard key.escaped || key.count == name.utf8CodeUnitCount else { return false }
        return withBytes(of: key) { bytes in
            name.withUTF8Buffer { want in bytes.elementsEqual(want) }
        }
    }

    /// Which of `table`'s names `key` is.
    public func index(of key: JSONKey, in table: JSONKeyTable) -> Int? {
        // Invariant 2: an unescaped key's range lies inside the document.
        if !key.escaped { return table.index(of: UnsafeBufferPointer(start: base + key.offset, count: key.count)) }
        return withBytes(of: key) { table.index(of: $0) }
    }

    private mutating func readEscapesFromStart(into out: inout [UInt8]) throws {
        let start = position
        _ = stopInString()
        out.append(contentsOf: UnsafeBufferPointer(start: base + start, count: position - start))
        try readEscapes(into: &out, from: start)
    }

    /// Skips a string whose opening quote is at `quote`, checking it; the offset after its
    /// closing quote. A string with escapes is finished by ``skipEscapedString(from:at:)``.
    @inline(__always)
    private mutating func skipString(from quote: Int) throws -> Int {
        let start = quote + 1
        let (stop, high) = Self.stringStop(base, count, from: start)
        // Invariant 2: `base[stop]` is read only when `stop < count`.
        if stop < count, base[stop] == UInt8(ascii: "\""), !high { return stop + 1 }
        return try finishString(from: start, at: stop, high: high)
    }

    /// The rest of ``skipString(from:)`` once the plain run of the string at `start` stopped at
    /// `stop`: the end, a quote after bytes >= 0x80 (checked as UTF-8), an escape or a control byte.
    @inline(never)
    private mutating func finishString(from start: Int, at stop: Int, high: Bool) throws -> Int {
        guard stop < count else { throw JSONScanError(offset: stop, reason: "a string without its closing quote") }
        let b = base[stop]
        if b == UInt8(ascii: "\"") {
            if high, !Self.isValidUTF8(UnsafeBufferPointer(start: base + start, count: stop - start)) {
                throw JSONScanError(offset: start, reason: "a string is not valid UTF-8")
            }
            return stop + 1
        }
        if b == UInt8(ascii: "\\") {
            position = stop
            var bytes = Array(UnsafeBufferPointer(start: base + start, count: stop - start))
            try readEscapes(into: &bytes, from: start)
            return position
        }
        throw JSONScanError(offset: stop, reason: "a control character inside a string")
    }

    /// Continues a string from a backslash at the position, appending its unescaped bytes to
    /// `out` up to the closing quote (read); `start` is where the string's text began.
    private mutating func readEscapes(into out: inout [UInt8], from start: Int) throws {
        // The bytes before the first backslash are in `out` already. Each escape appends a whole
        // well-formed sequence, so the finished bytes are valid UTF-8 exactly when every stretch
        // copied as it is was: one check of the whole at the end.
        while position < count {
            let b = base[position]
            if b == UInt8(ascii: "\"") {
                position += 1
                let valid = out.withUnsafeBufferPointer { Self.isValidUTF8($0) }
                guard valid else { throw JSONScanError(offset: start, reason: "a string is not valid UTF-8") }
                return
            }
            if b < 0x20 { throw error("a control character inside a string") }
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                position += 1
                continue
            }
            guard position + 1 < count else { throw error("a string ends inside an escape") }
            let e = base[position + 1]
            position += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(try hex4())
                if scalar >= 0xD800, scalar < 0xDC00 {
                    // A high surrogate must be followed by an escaped low one.
                    guard position + 1 < count, base[position] == UInt8(ascii: "\\"), base[position + 1] == UInt8(ascii: "u")
                    else { throw error("a high surrogate without its low surrogate") }
                    position += 2
                    let low = UInt32(try hex4())
                    guard low >= 0xDC00, low < 0xE000 else { throw error("a high surrogate without its low surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00, scalar < 0xE000 {
                    throw error("a low surrogate without its high surrogate")
                }
                Self.appendUTF8(scalar, to: &out)
            default:
                throw error("an unknown escape")
            }
        }
        throw error("a string without its closing quote")
    }

    /// Four hex digits at the position, as a number.
    private mutating func hex4() throws -> UInt16 {
        guard count - position >= 4 else { throw error("a \\u escape cut short") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let b = base[position]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw error("a \\u escape with a non-hex digit")
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    /// Checks the number grammar at the position and moves past it; the integer value when it
    /// is written as an integer of at most 18 digits (longer ones are parsed from the text).
    private mutating func scanNumber() throws -> (isInteger: Bool, value: Int?) {
        var negative = false
        if position < count, base[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < count else { throw error("a number cut short") }
        var value = 0
        var digits = 0
        let first = base[position]
        if first == UInt8(ascii: "0") {
            position += 1
            digits = 1
        } else if first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9") {
            while position < count, base[position] >= UInt8(ascii: "0"), base[position] <= UInt8(ascii: "9") {
                if digits < 18 { value = value &* 10 &+ Int(base[position] &- UInt8(ascii: "0")) }
                digits += 1
                position += 1
            }
        } else {
            throw error("a digit expected")
        }
        var isInteger = true
        if position < count, base[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            try scanDigits()
        }
        if position < count, base[position] == UInt8(ascii: "e") || base[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < count, base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-") { position += 1 }
            try scanDigits()
        }
        guard isInteger, digits <= 18 else { return (isInteger, nil) }
        return (true, negative ? -value : value)
    }

    private mutating func scanDigits() throws {
        let start = position
        while position < count, base[position] >= UInt8(ascii: "0"), base[position] <= UInt8(ascii: "9") { position += 1 }
        guard position > start else { throw error("a digit expected") }
    }

    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Whether `bytes` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        func continuation(_ k: Int) -> Bool { k < n && bytes[k] & 0xC0 == 0x80 }
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            switch b {
            case 0xC2...0xDF:
                guard continuation(i + 1) else { return false }
                i += 2
            case 0xE0...0xEF:
                guard continuation(i + 1), continuation(i + 2) else { return false }
                let b1 = bytes[i + 1]
                if b == 0xE0, b1 < 0xA0 { return false }  // overlong
                if b == 0xED, b1 > 0x9F { return false }  // a surrogate
                i += 3
            case 0xF0...0xF4:
                guard continuation(i + 1), continuation(i + 2), continuation(i + 3) else { return false }
                let b1 = bytes[i + 1]
                if b == 0xF0, b1 < 0x90 { return false }  // overlong
                if b == 0xF4, b1 > 0x8F { return false }  // past U+10FFFF
                i += 4
            default:
                return false
            }
        }
        return true
    }
}
