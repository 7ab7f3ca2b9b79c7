import Foundation

// libFuzzer target "json": JSONScanner on arbitrary bytes, compiled together with
// Sources/JSONCodec/*.swift (internals reachable, Swift's runtime checks and ASan on).
//
// Byte 0 picks the mode, the rest is the document:
// - even: read the whole document into a tree (every key, string, number), and
//   * agree with JSONSerialization on accepting it, and on the tree (numbers within 1e-15),
//     except for the two known differences: a number beyond Double's range (the scanner reads
//     it, as JSONDecoder does) and documents JSONSerialization takes for UTF-16/32 (a NUL in the
//     first four bytes, or an FE FF / FF FE start);
//   * every string read writes back with JSONWriter and reads again as the same string.
// - odd: skip the document with skipValue() instead, and agree with the full read's verdict
//   (skipping checks exactly what reading checks); and, when it is an object, walk it with
//   nextKey(_:in:) and agree with nextKey(_:) + index(of:in:) + skipValue() on the keys found
//   and the error; the same in an array of the document twice after an object with some of the
//   same keys (repeated keys recognized by their bytes).
// Any failure is a JSONScanError; nothing else may be thrown and nothing may crash.

indirect enum FuzzTree: Equatable {
    case object([String: FuzzTree]), array([FuzzTree]), string(String), number(Double), bool(Bool), null

    var hasInfinite: Bool {
        switch self {
        case .object(let o): o.values.contains { $0.hasInfinite }
        case .array(let a): a.contains { $0.hasInfinite }
        case .number(let d): d.isInfinite
        default: false
        }
    }

    static func close(_ a: FuzzTree, _ b: FuzzTree) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)): x.count == y.count && x.allSatisfy { k, v in y[k].map { close(v, $0) } ?? false }
        case let (.array(x), .array(y)): x.count == y.count && zip(x, y).allSatisfy(close)
        case let (.number(x), .number(y)): x == y || abs(x - y) <= 1e-15 * max(abs(x), abs(y))
        default: a == b
        }
    }

    static func from(_ any: Any) -> FuzzTree {
        switch any {
        case let d as [String: Any]: .object(d.mapValues(from))
        case let a as [Any]: .array(a.map(from))
        case let s as String: .string(s)
        case is NSNull: .null
        case let n as NSNumber: String(cString: n.objCType) == "c" ? .bool(n.boolValue) : .number(n.doubleValue)
        default: .null
        }
    }
}

func read(_ s: inout JSONScanner, strings: inout [String]) throws -> FuzzTree {
    switch try s.peek() {
    case .object:
        var members: [String: FuzzTree] = [:]
        var cursor = try s.beginObject()
        while let key = try s.nextKey(&cursor) {
            let name = s.string(of: key)
            precondition(s.key(key, is: "id") == (name == "id"), "key comparison disagrees with the key's text")
            strings.append(name)
            members[name] = try read(&s, strings: &strings)
        }
        return .object(members)
    case .array:
        var elements: [FuzzTree] = []
        var cursor = try s.beginArray()
        while try s.nextElement(&cursor) { elements.append(try read(&s, strings: &strings)) }
        return .array(elements)
    case .string:
        // The reusing read, from the same place, with the string itself and with the previous
        // string read: the same string, or the same error at the same offset, and the same end.
        var again = s, other = s
        let text = try s.readString()
        let reused = try again.readString(reusing: text)
        precondition(reused == text && again.position == s.position, "reading with the string itself disagrees")
        let previous = strings.last ?? ""
        let otherText = try other.readString(reusing: previous)
        precondition(otherText == text && other.position == s.position, "reading with another string disagrees")
        strings.append(text)
        return .string(text)
    case .number:
        let n = try s.readNumber()
        if let i = n.int, let d = n.double { precondition(Double(i) == d || abs(Double(i) - d) <= 1e-15 * abs(d), "int \(i) vs double \(d)") }
        return .number(Double(n.text) ?? .nan)
    case .bool: return .bool(try s.readBool())
    case .null:
        try s.readNull()
        return .null
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let mode = data[0]
    let doc = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var strings: [String] = []
    let tree: FuzzTree?
    do {
        tree = try JSONScanner.scan(doc) { s in try read(&s, strings: &strings) }
    } catch is JSONScanError {
        tree = nil
    } catch {
        preconditionFailure("not a JSONScanError: \(error)")
    }
    if mode & 1 == 1 {
        let skipped: Bool
        do {
            try JSONScanner.scan(doc) { s in try s.skipValue() }
            skipped = true
        } catch is JSONScanError {
            skipped = false
        } catch {
            preconditionFailure("not a JSONScanError: \(error)")
        }
        precondition(skipped == (tree != nil), "skipping and reading disagree")
        let table = JSONKeyTable(["id", "k0", "email", "é", "options"])
        // The document alone, and an array of it after a valid object with some of the same keys
        // (where nextKey(_:in:) recognizes repeated keys by their bytes, JSONKeyGuess).
        let repeated = Array(#"[{"id":1,"email":null,"k0":[],"x":"y"},"#.utf8) + doc + [UInt8(ascii: ",")] + doc + [UInt8(ascii: "]")]
        func keys(_ text: [UInt8], _ byTable: Bool) -> ([Int], JSONScanError?) {
            var found: [Int] = []
            func object(_ s: inout JSONScanner) throws {
                guard try s.peek() == .object else { return try s.skipValue() }
                var cursor = try s.beginObject()
                if byTable {
                    while let i = try s.nextKey(&cursor, in: table) {
                        found.append(i)
                        try s.skipValue()
                    }
                } else {
                    while let key = try s.nextKey(&cursor) {
                        if let i = s.index(of: key, in: table) { found.append(i) }
                        try s.skipValue()
                    }
                }
                found.append(-1)
            }
            do {
                try JSONScanner.scan(text) { s in
                    guard text.first == UInt8(ascii: "["), text.starts(with: Array(#"[{"id":1,"#.utf8)) else { return try object(&s) }
                    var outer = try s.beginArray()
                    while try s.nextElement(&outer) { try object(&s) }
                }
                return (found, nil)
            } catch let error as JSONScanError {
                return (found, error)
            } catch {
                preconditionFailure("not a JSONScanError: \(error)")
            }
        }
        for text in [doc, repeated] {
            let (a, b) = (keys(text, true), keys(text, false))
            precondition(a.0 == b.0 && a.1 == b.1, "nextKey(_:in:) and key-by-key reading disagree")
        }
        return 0
    }
    for text in strings {
        var w = JSONWriter()
        w.string(text)
        let back = try? JSONScanner.scan(w.bytes) { s in try s.readString() }
        precondition(back == text, "JSONWriter's \(text.debugDescription) reads back as \(String(describing: back))")
    }
    let utf16 = doc.prefix(4).contains(0) || doc.starts(with: [0xFE, 0xFF]) || doc.starts(with: [0xFF, 0xFE])
    if utf16 { return 0 }
    let expected = (try? JSONSerialization.jsonObject(with: Data(doc), options: [.fragmentsAllowed])).map(FuzzTree.from)
    if expected == nil, tree?.hasInfinite == true { return 0 }
    precondition((expected == nil) == (tree == nil),
                 "JSONSerialization \(expected == nil ? "refuses" : "reads"), the scanner \(tree == nil ? "refuses" : "reads")")
    if let expected, let tree { precondition(FuzzTree.close(expected, tree), "different trees") }
    return 0
}
