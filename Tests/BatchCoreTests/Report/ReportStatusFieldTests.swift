import Testing
@testable import BatchCore
@testable import BatchReport

/// The static status texts of the report's batch path (its fields are CSVCodec's
/// `CSVLineBuilder`, tested there against `CSVWriter`).
@Suite struct ReportStatusFieldTests {
    @Test func statusFieldsAreTheRawValues() {
        for status in RowStatus.allCases {
            let text = ReportWriter.statusField(status)
            #expect(String(decoding: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount), as: UTF8.self)
                    == "," + status.rawValue)
        }
    }
}
