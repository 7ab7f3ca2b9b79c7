/// A small streaming XML reader for the parts of a workbook: elements, attributes and text,
/// pulled one event at a time from bytes pulled piece by piece, so a sheet of any size is read
/// in constant memory.
///
/// It refuses, with an ``XLSXError`` naming the part, what a workbook never needs and an attacker
/// would use: a DOCTYPE (so no entity declarations, no billion laughs, no external entities),
/// entities other than the five predefined and character references, a single tag or text run
/// longer than `maxToken`, nesting deeper than 256; and it reports XML that ends before its
/// root element is closed, and end tags that do not match.
public struct XMLPullParser {
    public typealias Input = (inout [UInt8]) throws -> Bool

    public let part: String
    private let input: Input
    private let maxToken: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var inputEnded = false
    private var stack: [String] = []
    private var pendingEnd: String?
    private var sawRoot = false
    private var chunk: [UInt8] = []

    public init(part: String, maxToken: Int = 16 << 20, input: @escaping Input) {
        self.part = part
        self.input = input
        self.maxToken = maxToken
    }

    func error(_ reason: String) -> XLSXError { XLSXError(part, reason) }

    /// Appends more input to `buffer` (dropping what was consumed first); `false` at the end.
    private mutating func more() throws -> Bool {
        if inputEnded { return false }
        if position > 0, position >= buffer.count / 2 {
            buffer.removeFirst(position)
            position = 0
        }
        guard buffer.count - position <= maxToken else {
            throw error("a tag or text longer than \(maxToken) bytes")
        }
        chunk.removeAll(keepingCapacity: true)
        if try !input(&chunk) {
            inputEnded = true
            return false
        }
        buffer += chunk
        return true
    }

    /// The index of the first `byte` at or after `position + from` (reading more as needed), or nil at the end.
    private mutating func find(_ byte: UInt8, from: Int) throws -> Int? {
        var i = position + from
        while true {
            while i < buffer.count {
                if buffer[i] == byte { return i }
                i += 1
            }
            let offset = i - position
            guard try more() else { return nil }
            i = position + offset
        }
    }

    /// The index just past `terminator`, searched from `position + from`.
    private mutating func find(_ terminator: [UInt8], from: Int) throws -> Int? {
        var from = from
        while true {
            guard var i = try find(terminator[0], from: from) else { return nil }
            while i + terminator.count > buffer.count {
                let offset = i - position
                guard try more() else { return nil }
                i = position + offset // `more()` may have moved the bytes
            }
            if Array(buffer[i..<(i + terminator.count)]) == terminator { return i + terminator.count }
            from = i - position + 1
        }
    }

    /// The end of the tag starting at `position` (`<`): the index of its `>`, quotes respected.
    private mutating func tagEnd() throws -> Int? {
        var offset = 1
        var quote: UInt8 = 0
        while true {
            var i = position + offset
            while i < buffer.count {
                let b = buffer[i]
                if quote != 0 {
                    if b == quote { quote = 0 }
                } else if b == 0x22 || b == 0x27 {
                    quote = b
                } else if b == 0x3E {
                    return i
                }
                i += 1
            }
            offset = i - position
            guard try more() else { return nil }
        }
    }

    private mutating func startsWith(_ prefix: String) throws -> Bool {
        let p = Array(prefix.utf8)
        while position + p.count > buffer.count {
            guard try more() else { return false }
        }
        return Array(buffer[position..<(position + p.count)]) == p
    }

    /// The next event, or nil at the end of a complete document.
    public mutating func next() throws -> XMLEvent? {
        if let name = pendingEnd {
            pendingEnd = nil
            return end(name)
        }
        while true {
            if position >= buffer.count, try !more() {
                guard stack.isEmpty, sawRoot else {
                    throw error(sawRoot ? "the XML ends before </\(stack.last ?? "")> (the part is cut short)" : "the part holds no XML element")
                }
                return nil
            }
            if buffer[position] != 0x3C {
                guard let lt = try find(0x3C, from: 0) else {
                    let text = buffer[position...]
                    position = buffer.count
                    if stack.isEmpty, text.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { continue }
                    throw error("the XML ends before </\(stack.last ?? "")> (the part is cut short)")
                }
                let raw = buffer[position..<lt]
                position = lt
                if stack.isEmpty {
                    guard raw.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else {
                        throw error("text outside the root element")
                    }
                    continue
                }
                return .text(try unescape(raw))
            }
            // Markup. `<!…` and `<?…` are rare: one byte tells an element from them.
            while position + 1 >= buffer.count {
                guard try more() else { throw error("a tag that never ends (the part is cut short)") }
            }
            let second = buffer[position + 1]
            if second == 0x21 || second == 0x3F {
                if let event = try declaration() { return event }
                continue
            }
            guard let gt = try tagEnd() else { throw error("a tag that never ends (the part is cut short)") }
            let tag = buffer[(position + 1)..<gt]
            position = gt + 1
            if tag.first == 0x2F { // </name>
                let name = Self.localName(utf8: ArraySlice(tag.dropFirst().filter { $0 > 0x20 })).name
                guard let open = stack.popLast(), open == name else {
                    throw error("</\(name)> does not close <\(stack.last ?? "nothing")>")
                }
                return .end(name: name)
            }
            let selfClosing = tag.last == 0x2F
            let (name, attributes) = try parseTag(selfClosing ? tag.dropLast() : tag)
            guard !stack.isEmpty || !sawRoot else { throw error("a second root element <\(name)>") }
            sawRoot = true
            stack.append(name)
            guard stack.count <= 256 else { throw error("elements nested more than 256 deep") }
            if selfClosing { pendingEnd = name }
            return .start(name: name, attributes: attributes)
        }
    }

    /// A comment, CDATA section, processing instruction or DOCTYPE at `position`: the text of a
    /// CDATA section, nil for what is skipped; a DOCTYPE is refused.
    private mutating func declaration() throws -> XMLEvent? {
        if try startsWith("<!--") {
            guard let end = try find(Array("-->".utf8), from: 4) else { throw error("a comment that never ends") }
            position = end
            return nil
        }
        if try startsWith("<![CDATA[") {
            guard let end = try find(Array("]]>".utf8), from: 9) else { throw error("a CDATA section that never ends") }
            let text = String(decoding: buffer[(position + 9)..<(end - 3)], as: UTF8.self)
            position = end
            guard !stack.isEmpty else { throw error("text outside the root element") }
            return .text(text)
        }
        if try startsWith("<!") {
            throw error("a DOCTYPE or entity declaration, which a workbook never needs, is refused")
        }
        guard let end = try find(Array("?>".utf8), from: 2) else { throw error("a processing instruction that never ends") }
        position = end
        return nil
    }

    private mutating func end(_ name: String) -> XMLEvent {
        stack.removeLast()
        return .end(name: name)
    }

    static func localName(_ qualified: String) -> (prefix: String, name: String) {
        guard let colon = qualified.firstIndex(of: ":") else { return ("", qualified) }
        return (String(qualified[..<colon]), String(qualified[qualified.index(after: colon)...]))
    }

    /// ``localName(_:)`` of a name's UTF-8 bytes, split at the first `:` byte: looking for `:`
    /// among a `String`'s characters (grapheme breaking per tag and attribute) was a fifth of
    /// the time of reading a sheet.
    static func localName(utf8 qualified: ArraySlice<UInt8>) -> (prefix: String, name: String) {
        guard let colon = qualified.firstIndex(of: 0x3A) else { return ("", String(decoding: qualified, as: UTF8.self)) }
        return (String(decoding: qualified[..<colon], as: UTF8.self), String(decoding: qualified[(colon + 1)...], as: UTF8.self))
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    private func parseTag(_ tag: ArraySlice<UInt8>) throws -> (String, [XMLAttribute]) {
        var i = tag.startIndex
        while i < tag.endIndex, !Self.isSpace(tag[i]) { i += 1 }
        let name = Self.localName(utf8: tag[tag.startIndex..<i]).name
        guard !name.isEmpty else { throw error("an element without a name") }
        var attributes: [XMLAttribute] = []
        while true {
            while i < tag.endIndex, Self.isSpace(tag[i]) { i += 1 }
            if i == tag.endIndex { break }
            let nameStart = i
            while i < tag.endIndex, tag[i] != 0x3D, !Self.isSpace(tag[i]) { i += 1 }
            let qualifiedBytes = tag[nameStart..<i]
            var qualified: String { String(decoding: qualifiedBytes, as: UTF8.self) } // for errors
            while i < tag.endIndex, Self.isSpace(tag[i]) { i += 1 }
            guard i < tag.endIndex, tag[i] == 0x3D else { throw error("attribute \(qualified) of <\(name)> has no value") }
            i += 1
            while i < tag.endIndex, Self.isSpace(tag[i]) { i += 1 }
            guard i < tag.endIndex, tag[i] == 0x22 || tag[i] == 0x27 else { throw error("attribute \(qualified) of <\(name)> is not quoted") }
            let quote = tag[i]
            i += 1
            let valueStart = i
            while i < tag.endIndex, tag[i] != quote { i += 1 }
            guard i < tag.endIndex else { throw error("attribute \(qualified) of <\(name)> is not closed") }
            let value = try unescape(tag[valueStart..<i])
            i += 1
            let (prefix, local) = Self.localName(utf8: qualifiedBytes)
            attributes.append(XMLAttribute(name: local, prefix: prefix, value: value))
        }
        return (name, attributes)
    }

    /// Resolves the predefined entities and character references.
    private func unescape(_ raw: ArraySlice<UInt8>) throws -> String {
        guard raw.contains(0x26) else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            let b = raw[i]
            guard b == 0x26 else {
                out.append(b)
                i += 1
                continue
            }
            guard let semi = raw[i...].prefix(12).firstIndex(of: 0x3B) else { throw error("an '&' that starts no entity") }
            let name = String(decoding: raw[(i + 1)..<semi], as: UTF8.self)
            switch name {
            case "lt": out.append(0x3C)
            case "gt": out.append(0x3E)
            case "amp": out.append(0x26)
            case "quot": out.append(0x22)
            case "apos": out.append(0x27)
            default:
                var scalar: UInt32?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    scalar = UInt32(name.dropFirst(2), radix: 16)
                } else if name.hasPrefix("#") {
                    scalar = UInt32(name.dropFirst(), radix: 10)
                } else {
                    throw error("the entity &\(name); is not defined (entity declarations are refused)")
                }
                guard let s = scalar, let u = Unicode.Scalar(s) else { throw error("&\(name); is not a character") }
                out.append(contentsOf: String(Character(u)).utf8)
            }
            i = semi + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
