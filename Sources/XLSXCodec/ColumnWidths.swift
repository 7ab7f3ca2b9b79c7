/// Column widths that fit the values seen: the longest value of each column, in characters,
/// capped at `maxWidth`, plus a margin. Wrapped text counts as at most `maxWidth` (it wraps).
public struct ColumnWidths: Sendable, Equatable {
    public let maxWidth: Int
    private(set) var longest: [Int]

    /// Starts from the header's widths.
    public init(header: [String], maxWidth: Int = 60) {
        self.maxWidth = maxWidth
        longest = header.map { min(maxWidth, $0.utf16.count) }
    }

    public mutating func measure(_ cells: [XLSXCell]) {
        if cells.count > longest.count { longest += repeatElement(0, count: cells.count - longest.count) }
        for (i, cell) in cells.enumerated() {
            let shown: Int
            switch cell {
            case .empty: continue
            case let .text(s, _): shown = s.utf16.count
            case let .number(v, _): shown = v < 0 ? String(v).utf8.count : (v < 10 ? 1 : Int(log10(Double(v))) + 1)
            case let .link(display, _): shown = display.utf16.count
            }
            if shown > longest[i] { longest[i] = min(maxWidth, shown) }
        }
    }

    /// Widths for ``XLSXSheetOptions/columnWidths``: the longest value plus 2, at least 8.
    public var widths: [Double] { longest.map { Double(max(8, $0 + 2)) } }

    private func log10(_ x: Double) -> Double {
        var n = 0.0, v = x
        while v >= 10 { v /= 10; n += 1 }
        return n
    }
}
