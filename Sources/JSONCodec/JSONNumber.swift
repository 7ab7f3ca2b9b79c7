/// A JSON number as written in the document, with the two readings the client needs:
/// `int` as `JSONDecoder` reads an `Int` (the integer itself when written as one and in range,
/// else the double when it is a whole number that fits) and `double` (finite, else `nil`,
/// as `JSONDecoder` refuses a number beyond `Double`'s range).
public struct JSONNumber: Sendable, Equatable {
    /// The number's text, exactly as in the document (grammar already checked).
    public var text: String { writtenText ?? String(exactInt!) }
    /// The text as written, kept unless it is the decimal form of `exactInt` (a short integer).
    private let writtenText: String?
    /// The value when the text is an integer (no `.`, `e` or `E`) that fits in `Int`.
    let exactInt: Int?

    init(text: String, exactInt: Int?) {
        writtenText = text
        self.exactInt = exactInt
    }

    /// An integer written as its decimal form (no sign on zero, no leading zeros: JSON's grammar).
    init(exactInt: Int) {
        writtenText = nil
        self.exactInt = exactInt
    }

    /// Equal when written alike.
    public static func == (a: JSONNumber, b: JSONNumber) -> Bool {
        a.exactInt == b.exactInt && a.text == b.text
    }

    /// The number as a finite `Double`, or `nil` when it is beyond `Double`'s range.
    public var double: Double? {
        // Integers up to 2^53 convert exactly: no need to parse the text again.
        if let exactInt, exactInt.magnitude <= 1 << 53 { return Double(exactInt) }
        guard let d = Double(text), d.isFinite else { return nil }
        return d
    }

    /// The number as an `Int`: written as an integer in range, or a whole `Double` that fits
    /// (`1.0`, `1e2`), as `JSONDecoder` reads an `Int`; `nil` otherwise (`1.5`, `1e400`, 2^64).
    public var int: Int? {
        if let exactInt { return exactInt }
        return double.flatMap { Int(exactly: $0) }
    }
}
