import BatchModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads resources from JSON Lines: one object per line, flat (the CSV column names as keys) or
/// in the API's nested shape (`options{}`, `contact{}`, `address{}`, `customFields{}`).
///
/// A line that is not a JSON object is a row error naming its line; reading goes on.
public final class JSONLRecordSource: RecordSource {
    public let format = InputFormat.jsonl
    public private(set) var unmappedColumns: [String] = []
    /// Records returned so far.
    public var rowsRead: Int { row }

    private let lines: LineReader
    private let overrides: MappingOverrides
    private let keepRaw: Bool
    private var row = 0
    private var keyCache: [String: ResourceField?] = [:]
    private var unmappedSeen: Set<String> = []
    /// Deeper JSON than this is refused before parsing, so hostile input cannot exhaust the stack.
    static let maxDepth = 32

    public init(fileDescriptor: Int32, closeOnDeinit: Bool, options: InputOptions) {
        lines = LineReader(fileDescriptor: fileDescriptor, closeOnDeinit: closeOnDeinit)
        overrides = options.overrides
        keepRaw = options.keepRaw
    }

    /// Opens `path` (`-` for standard input).
    public convenience init(path: String, options: InputOptions) throws {
        if path == "-" {
            self.init(fileDescriptor: 0, closeOnDeinit: false, options: options)
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw InputError.unreadable(path: path, reason: "it is a directory")
        }
        self.init(fileDescriptor: fd, closeOnDeinit: true, options: options)
    }

    public func next() throws -> SourceRecord? {
        while let line = try lines.next() {
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) && !line.truncated { continue }
            row += 1
            var record = SourceRecord(row: row, line: line.number)
            if keepRaw { record.raw = line.bytes }
            if line.truncated {
                record.issues.append(RowIssue(.error, field: nil, "line \(line.number) is longer than \(lines.maxLineBytes) bytes"))
                return record
            }
            if let problem = Self.precheck(line.bytes) {
                record.issues.append(RowIssue(.error, field: nil, "line \(line.number): \(problem)"))
                return record
            }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(line.bytes), options: [])
            } catch {
                record.issues.append(RowIssue(.error, field: nil, "line \(line.number) is not valid JSON"))
                return record
            }
            guard let dict = object as? [String: Any] else {
                record.issues.append(RowIssue(.error, field: nil, "line \(line.number) is not a JSON object"))
                return record
            }
            flatten(dict, into: &record)
            return record
        }
        return nil
    }

    /// Refuses invalid UTF-8, NUL bytes and nesting deeper than `maxDepth` before the JSON parser sees them.
    static func precheck(_ bytes: [UInt8]) -> String? {
        if bytes.contains(0) { return "a NUL byte: this looks like a binary file, not JSON Lines" }
        if String(validating: bytes, as: UTF8.self) == nil { return "invalid UTF-8 (JSON Lines must be UTF-8)" }
        var depth = 0
        var inString = false
        var escaped = false
        for b in bytes {
            if inString {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
                continue
            }
            switch b {
            case 0x22: inString = true
            case 0x7B, 0x5B:
                depth += 1
                if depth > maxDepth { return "JSON nested deeper than \(maxDepth) levels" }
            case 0x7D, 0x5D: depth -= 1
            default: break
            }
        }
        return nil
    }

    private func field(forKey key: String) -> ResourceField? {
        if let cached = keyCache[key] { return cached }
        let normalized = ColumnMapping.normalize(key)
        var result: ResourceField?
        var ignored = false
        if let explicit = overrides.entries[normalized] {
            result = explicit
            ignored = explicit == nil
        } else {
            result = ColumnMapping.lookup[normalized]
            ignored = normalized == "error" || Self.viewOnlyKeys.contains(normalized)
        }
        if result == nil, !ignored, unmappedSeen.insert(key).inserted { unmappedColumns.append(key) }
        keyCache[key] = .some(result)
        return result
    }

    /// Keys of the API's view model that an export or a copy of an API answer may carry, which
    /// import has no use for; they are ignored without a warning.
    static let viewOnlyKeys: Set<String> = [
        "object", "imageurl", "timezoneiana", "timezoneoffset", "deletedstatus", "deletedtime",
        "googlecalendarauthurl", "outlookcalendarauthurl", "availability", "services", "skypename",
    ]

    /// Keys holding the API's nested objects.
    static let containerKeys: Set<String> = ["options", "contact", "address", "customfields"]

    /// Nested objects first, then the object's own keys, each in key order. The result never
    /// depends on dictionary order (which changes from run to run), and a flat key wins over the
    /// same field inside a nested object.
    private func flatten(_ dict: [String: Any], into record: inout SourceRecord) {
        var flat: [String] = []
        for key in dict.keys.sorted() {
            let value = dict[key]!
            let normalized = ColumnMapping.normalize(key)
            guard Self.containerKeys.contains(normalized) else {
                flat.append(key)
                continue
            }
            if value is NSNull { continue }
            guard let nested = value as? [String: Any] else {
                // A flat column that shares the name (`Address` → addressLine1) is a plain value.
                if ColumnMapping.lookup[normalized] != nil || overrides.entries[normalized] != nil {
                    flat.append(key)
                } else {
                    typeIssue(key, "an object", &record)
                }
                continue
            }
            if normalized == "customfields" {
                for k in nested.keys.sorted() {
                    let n = ColumnMapping.normalize(k)
                    let custom = n.hasPrefix("field") ? "customField" + n.dropFirst(5) : k
                    assign(key: custom, value: nested[k]!, into: &record)
                }
            } else {
                flatten(nested, into: &record)
            }
        }
        for key in flat { assign(key: key, value: dict[key]!, into: &record) }
    }

    private func assign(key: String, value: Any, into record: inout SourceRecord) {
        guard let field = field(forKey: key) else { return }
        if field == .serviceIds {
            if let list = value as? [Any] {
                record.input.serviceIds = list.compactMap(Self.scalarText)
            } else if let text = Self.scalarText(value) {
                // "" is not given, like a blank cell; only an explicit [] asks for every service.
                let list = CellText.list(text)
                if !list.isEmpty { record.input.serviceIds = list }
            }
            return
        }
        if value is NSNull { return }
        guard let text = Self.scalarText(value) else {
            typeIssue(key, "a string, number or boolean", &record)
            return
        }
        record.input[field] = CellText.trimmed(text)
    }

    private func typeIssue(_ key: String, _ expected: String, _ record: inout SourceRecord) {
        record.issues.append(RowIssue(.error, field: key, "expected \(expected) on line \(record.line)"))
    }

    /// A JSON scalar as the text a CSV cell would hold.
    static func scalarText(_ value: Any) -> String? {
        switch value {
        case let s as String: return s
        case let n as NSNumber:
            // JSON booleans arrive as NSNumbers of type "c" (char).
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            if let i = Int(exactly: n.doubleValue) { return String(i) }
            return n.stringValue
        default: return nil
        }
    }
}
