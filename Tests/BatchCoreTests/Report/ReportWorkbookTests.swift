import Testing
@testable import BatchReport

/// The tables the workbook's batch path reads per row instead of looking statuses up by name.
@Suite struct ReportWorkbookTests {
    @Test func statusIndexesFollowTheCasesOrder() {
        for (i, status) in RowStatus.allCases.enumerated() {
            #expect(ReportWorkbook.statusIndex(status) == i, "\(status)")
        }
    }

    @Test func attentionCasesAreTheNamedStatuses() {
        #expect(Set(ReportWorkbook.attentionCases.map(\.rawValue)) == ReportWorkbook.attentionStatuses)
    }
}
