/// A string registered with ``XLSXWriter/sharedString(_:)``: written into a cell by its index in
/// the workbook's shared-string table.
public struct XLSXSharedString: Sendable, Equatable {
    let index: Int
}
