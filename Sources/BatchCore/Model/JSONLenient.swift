import JSONCodec

/// The lenient readings of `Resource`'s decoding (`LenientString`, `LenientNumber`,
/// `LenientBool`), done on a ``JSONScanner`` at the value's position: each consumes the value
/// whatever its kind and answers what `JSONDecoder` with the `Lenient…` types would.
///
/// Kept beside the `Decodable` types, which stay the reference: a differential test runs both on
/// generated answers (`ResourceScanningTests`).
package enum JSONLenient {
    /// ``string(_:)``, answering `expected` itself for a JSON string of exactly its bytes
    /// (``JSONScanner/readString(reusing:)``); any other value is read as ``string(_:)`` reads it.
    package static func string(_ s: inout JSONScanner, reusing expected: String?) throws -> String? {
        if let expected, try s.peek() == .string { return try s.readString(reusing: expected) }
        return try string(&s)
    }

    /// `LenientString`: a string as it is; an integer number as its digits, another number as
    /// `String(Double)`; `true`/`false`; `nil` for null, objects, arrays and numbers beyond `Double`.
    package static func string(_ s: inout JSONScanner) throws -> String? {
        switch try s.peek() {
        case .string: return try s.readString()
        case .number:
            let n = try s.readNumber()
            if let i = n.int { return String(i) }
            return n.double.map { String($0) }
        case .bool: return String(try s.readBool())
        case .null:
            try s.readNull()
            return nil
        case .object, .array:
            try s.skipValue()
            return nil
        }
    }

    /// `LenientNumber.double`: a finite number, or a string `Double` reads after trimming spaces.
    package static func double(_ s: inout JSONScanner) throws -> Double? {
        switch try s.peek() {
        case .number: return try s.readNumber().double
        case .string: return Double(WhitespaceTrim.whitespaces(try s.readString()))
        default:
            try s.skipValue()
            return nil
        }
    }

    /// `LenientNumber.int`: the double when it is whole and below 10^15 in magnitude.
    package static func int(_ s: inout JSONScanner) throws -> Int? {
        try double(&s).flatMap { $0.isFinite && $0 == $0.rounded() && abs($0) < 1e15 ? Int($0) : nil }
    }

    /// `LenientBool`: a bool; a number read as an `Int` is `!= 0`; a string is true when it is
    /// `true`, `1` or `yes` in any case.
    package static func bool(_ s: inout JSONScanner) throws -> Bool? {
        switch try s.peek() {
        case .bool: return try s.readBool()
        case .number: return try s.readNumber().int.map { $0 != 0 }
        case .string: return ["true", "1", "yes"].contains(try s.readString().lowercased())
        default:
            try s.skipValue()
            return nil
        }
    }

    /// A strict `String?` as a synthesized `Decodable` reads it: a string, or `nil` for null;
    /// any other kind is consumed and reported by `valid` becoming false (the whole object then
    /// fails to decode, as `JSONDecoder` would throw).
    package static func strictString(_ s: inout JSONScanner, valid: inout Bool) throws -> String? {
        switch try s.peek() {
        case .string: return try s.readString()
        case .null:
            try s.readNull()
            return nil
        default:
            try s.skipValue()
            valid = false
            return nil
        }
    }
}
