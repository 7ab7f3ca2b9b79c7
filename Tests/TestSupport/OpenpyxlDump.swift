import Foundation

/// A workbook as Python's openpyxl reads it: an independent reader for the tests of the XLSX
/// writer. Python with openpyxl comes from `RESOURCE_BATCH_PYTHON`, else the package's
/// `.build-venv` (which `.ci/run` creates); without it tests skip, except under `CI=true`.
public struct OpenpyxlDump: Decodable, Sendable {
    public struct Cell: Decodable, Sendable, Equatable {
        /// The value as Python's `str()` shows it.
        public var v: String
        /// The Python type of the value: `str`, `int`, `float`, `bool`, `datetime`.
        public var t: String

        public init(v: String, t: String) {
            self.v = v
            self.t = t
        }
    }

    public struct Sheet: Decodable, Sendable {
        public var name: String
        /// Rows from row 1, `nil` for an empty cell.
        public var rows: [[Cell?]]
        /// The top-left unfrozen cell (`A2` for a frozen header row), or nil.
        public var freeze: String?
        /// The autofilter range, or nil.
        public var filter: String?
        /// Cell reference → hyperlink target.
        public var links: [String: String]
        /// Column letter → width.
        public var widths: [String: Double]
        public var fitToWidth: Int?
        public var fitToPage: Bool?
        /// Cells with wrapped text.
        public var wrap: [String]
        /// Header cells in bold.
        public var bold: [String]
        /// Row number (as text) → height in points, for rows given one.
        public var heights: [String: Double]

        /// The values of row `r` (1-based), `""` for empty cells.
        public func values(_ r: Int) -> [String] { rows[r - 1].map { $0?.v ?? "" } }
    }

    public var sheets: [Sheet]

    public static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// The python that has openpyxl, or nil.
    public static let python: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates: [String?] = [ProcessInfo.processInfo.environment["RESOURCE_BATCH_PYTHON"], root.appendingPathComponent(".build-venv/bin/python3").path]
        for case let path? in candidates where FileManager.default.isExecutableFile(atPath: path) {
            if let r = try? ChildProcess.run(path, ["-c", "import openpyxl"], timeout: 60), r.status == 0 { return path }
        }
        return nil
    }()

    /// Whether tests that need openpyxl run: it is there, or CI demands it (and they fail without it).
    public static let available = python != nil || inCI

    static let script = #"""
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": []}
for ws in wb.worksheets:
    rows, links, wrap = [], {}, []
    for row in ws.iter_rows():
        cells = []
        for c in row:
            cells.append(None if c.value is None else {"v": str(c.value), "t": type(c.value).__name__})
            if c.hyperlink is not None:
                links[c.coordinate] = c.hyperlink.target
            if c.alignment is not None and c.alignment.wrap_text:
                wrap.append(c.coordinate)
        rows.append(cells)
    pr = ws.sheet_properties.pageSetUpPr
    out["sheets"].append({
        "name": ws.title, "rows": rows, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
        "links": links, "widths": {k: v.width for k, v in ws.column_dimensions.items()},
        "fitToWidth": ws.page_setup.fitToWidth, "fitToPage": bool(pr.fitToPage) if pr is not None else None,
        "wrap": wrap, "bold": [c.coordinate for c in ws[1] if c.font is not None and c.font.b],
        "heights": {str(k): v.height for k, v in ws.row_dimensions.items() if v.height is not None},
    })
print(json.dumps(out))
"""#

    /// Reads the workbook at `path` with openpyxl.
    public static func read(_ path: String) throws -> OpenpyxlDump {
        guard let python else { throw DumpError(message: "python3 with openpyxl is required under CI=true (.ci/run installs it into .build-venv)") }
        let run = try ChildProcess.run(python, ["-c", script, path], timeout: 300)
        guard run.status == 0 else { throw DumpError(message: "openpyxl could not read \(path): \(run.stderrText)") }
        return try JSONDecoder().decode(OpenpyxlDump.self, from: run.stdout)
    }

    public struct DumpError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
