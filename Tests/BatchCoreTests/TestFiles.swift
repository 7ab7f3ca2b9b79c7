import Foundation
@testable import BatchCore
@testable import BatchInput

/// Every record of a source.
func readAll(_ source: any RecordSource) throws -> [SourceRecord] {
    var out: [SourceRecord] = []
    while let r = try source.next() { out.append(r) }
    return out
}
