import Foundation
@testable import BatchCore
@testable import BatchInput
@testable import BatchJobs
@testable import BatchJournal
@testable import BatchModel
@testable import BatchReport
@testable import BatchRules
@testable import BatchSync
@testable import BatchWire

/// Temporary files for tests that read or write real files; each test gets its own directory.
struct TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("batchcore-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `bytes` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path(name)))) }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Every record of a source.
func readAll(_ source: any RecordSource) throws -> [SourceRecord] {
    var out: [SourceRecord] = []
    while let r = try source.next() { out.append(r) }
    return out
}
