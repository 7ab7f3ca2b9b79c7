import BatchInput
import BatchReport

/// The default paths of cli.md: the input path with its extension replaced.
public enum ReportPaths {
    /// `people.csv` → `people.report.csv`; standard input → `stdin.report.csv`.
    public static func report(forInput input: String, format: ReportFormat) -> String {
        stem(input) + ".report." + format.rawValue
    }

    /// `people.csv` → `people.errors.csv`; JSONL input → `.errors.jsonl`, so the file stays importable.
    public static func errors(forInput input: String, format: InputFormat) -> String {
        if case .jsonl = format { return stem(input) + ".errors.jsonl" }
        return stem(input) + ".errors.csv"
    }

    static func stem(_ path: String) -> String {
        if path == "-" { return "stdin" }
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return path }
        return String(path[..<dot])
    }
}
