import Foundation
import JSONCodec

/// A whole JSON document read through `JSONScanner` into a tree, to compare with what
/// `JSONSerialization` reads. Duplicate keys: the last wins, as in `JSONSerialization`.
indirect enum JSONTree: Equatable {
    case object([String: JSONTree])
    case array([JSONTree])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// Reads `bytes` with the scanner.
    static func scan(_ bytes: [UInt8]) throws -> JSONTree {
        try JSONScanner.scan(bytes) { s in try read(&s) }
    }

    static func read(_ s: inout JSONScanner) throws -> JSONTree {
        switch try s.peek() {
        case .object:
            var members: [String: JSONTree] = [:]
            var cursor = try s.beginObject()
            while let key = try s.nextKey(&cursor) {
                let name = s.string(of: key)
                members[name] = try read(&s)
            }
            return .object(members)
        case .array:
            var elements: [JSONTree] = []
            var cursor = try s.beginArray()
            while try s.nextElement(&cursor) { elements.append(try read(&s)) }
            return .array(elements)
        case .string: return .string(try s.readString())
        case .number:
            let n = try s.readNumber()
            return .number(Double(n.text) ?? .nan)
        case .bool: return .bool(try s.readBool())
        case .null:
            try s.readNull()
            return .null
        }
    }

    /// Equal, numbers within a relative 1e-15: `JSONSerialization` rounds some long integers
    /// differently (100000000000000000008000 reads as 1e23, not 1.0000000000000001e23).
    static func close(_ a: JSONTree, _ b: JSONTree) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)): return x.count == y.count && x.allSatisfy { k, v in y[k].map { close(v, $0) } ?? false }
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy(close)
        case let (.number(x), .number(y)): return x == y || abs(x - y) <= 1e-15 * max(abs(x), abs(y))
        default: return a == b
        }
    }

    /// Whether a number in the tree is beyond `Double`'s range (read as infinity).
    var hasInfiniteNumber: Bool {
        switch self {
        case .object(let o): return o.values.contains { $0.hasInfiniteNumber }
        case .array(let a): return a.contains { $0.hasInfiniteNumber }
        case .number(let d): return d.isInfinite
        default: return false
        }
    }

    /// What `JSONSerialization` made of the same document, as a tree.
    static func from(_ any: Any) -> JSONTree {
        switch any {
        case let d as [String: Any]: return .object(d.mapValues(from))
        case let a as [Any]: return .array(a.map(from))
        case let s as String: return .string(s)
        case is NSNull: return .null
        case let n as NSNumber:
            // A JSON true/false arrives as a boolean NSNumber (objCType "c"); numbers never do.
            if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
            return .number(n.doubleValue)
        default: return .null
        }
    }
}
