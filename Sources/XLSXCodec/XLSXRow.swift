/// A row of a sheet as the reader returns it: its number and its cells' text, column A first
/// (`""` for an empty cell).
public struct XLSXRow: Sendable, Equatable {
    /// The row's number in the sheet (1-based, as the spreadsheet shows it).
    public var number: Int
    public var cells: [String]

    public init(number: Int, cells: [String]) {
        self.number = number
        self.cells = cells
    }
}
