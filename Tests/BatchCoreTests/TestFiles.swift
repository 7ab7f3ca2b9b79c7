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

/// Every record of a source.
func readAll(_ source: any RecordSource) throws -> [SourceRecord] {
    var out: [SourceRecord] = []
    while let r = try source.next() { out.append(r) }
    return out
}
