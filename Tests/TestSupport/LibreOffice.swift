import Foundation

/// LibreOffice, headless, for tests that need a real spreadsheet program: converting a CSV to
/// `.xlsx`, a workbook to PDF. Skipped without it (`libreoffice-calc-nogui`), except under
/// `CI=true`, where `.ci/run` installs it.
public enum LibreOffice {
    public static let soffice: String? = ["/usr/bin/soffice", "/usr/local/bin/soffice", "/usr/lib/libreoffice/program/soffice"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Whether tests that need it run: it is there, or CI demands it (and they fail without it).
    public static let available = soffice != nil || OpenpyxlDump.inCI

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Converts `path` to `format` (`xlsx`, `pdf`) into `directory`, in a profile of its own so
    /// parallel runs do not meet; `inFilter` such as `CSV:44,34,76,1` (comma, quote, UTF-8).
    /// Returns the converted file's path.
    public static func convert(_ path: String, to format: String, in directory: URL, inFilter: String? = nil) throws -> String {
        guard let soffice else { throw Failure(description: "LibreOffice (soffice) is required under CI=true (.ci/run installs it)") }
        let profile = directory.appendingPathComponent("lo-profile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        var arguments = ["-env:UserInstallation=\(profile.absoluteString)", "--headless", "--norestore"]
        if let inFilter { arguments.append("--infilter=\(inFilter)") }
        arguments += ["--convert-to", format, "--outdir", directory.path, path]
        let run = try ChildProcess.run(soffice, arguments, environment: ["HOME": directory.path, "PATH": "/usr/bin:/bin"], timeout: 180)
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension + "." + format
        let out = directory.appendingPathComponent(name).path
        guard run.status == 0, FileManager.default.fileExists(atPath: out) else {
            throw Failure(description: "soffice could not convert \(path) to \(format): \(run.stdoutText) \(run.stderrText)")
        }
        return out
    }
}
