/// One input row as typed cells: each field's text, or `nil` when the cell was blank or absent.
///
/// Blank means "not given", so an update never erases a field because a cell was empty. Cells
/// are indexed by `ResourceField.ordinal`, which keeps a million-row run free of per-row hashing.
public struct ResourceInput: Sendable, Equatable {
    private var cells: [String?]
    /// `serviceIds` as given: `;`-separated in CSV, an array in JSONL. Kept apart so JSONL arrays survive.
    public var serviceIds: [String]?

    public init() {
        cells = Array(repeating: nil, count: ResourceField.allCases.count)
    }

    public subscript(field: ResourceField) -> String? {
        get { cells[field.ordinal] }
        set {
            if let v = newValue, !v.isEmpty { cells[field.ordinal] = v } else { cells[field.ordinal] = nil }
        }
    }

    /// The fields that hold a value, in column order.
    public var givenFields: [ResourceField] {
        ResourceField.allCases.filter { cells[$0.ordinal] != nil }
    }
}
