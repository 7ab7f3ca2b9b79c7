/// How a sheet is laid out: column widths, frozen header, filters, printing.
public struct XLSXSheetOptions: Sendable, Equatable {
    /// Widths in characters, column A first; columns beyond keep the default width.
    public var columnWidths: [Double]
    /// Freezes the first row, so the header stays in view while scrolling.
    public var freezeHeaderRow: Bool
    /// Puts filter buttons on the header row, over every written row and column.
    public var autoFilter: Bool
    /// Prints landscape, scaled to fit the page width (as many pages down as needed).
    public var fitToWidth: Bool

    public init(columnWidths: [Double] = [], freezeHeaderRow: Bool = true, autoFilter: Bool = true, fitToWidth: Bool = true) {
        self.columnWidths = columnWidths
        self.freezeHeaderRow = freezeHeaderRow
        self.autoFilter = autoFilter
        self.fitToWidth = fitToWidth
    }
}
