import BatchModel
import BatchReport

/// One validated input row as the import core sees it: its report line so far, its input bytes
/// (for the errors file), and what validation decided about it.
///
/// The fields live in shared storage, copied only when a row that shares it is changed (copy on
/// write), so that a row is one reference wherever it goes. Issue 17: a row is some 300 bytes
/// and thirty strings; it moves from the batch to the core, into the rows waiting for an answer,
/// through the reorder buffer and the report action, and each move copied those bytes (`memmove`
/// was 7 % of the client's time), each copy the optimizer made retained every string.
public struct ImportRow: Sendable, Equatable {
    /// What validation decided: only `candidate` rows may reach the API.
    public enum Disposition: Sendable, Equatable {
        /// Has errors: reported `invalid`, never sent.
        case invalid
        /// Repeats an earlier row's key: reported `skipped`, never sent.
        case skipped
        /// Valid: created or updated, by its id or by its key among the tenant's resources.
        case candidate(id: String?, emailKey: String?, payload: ResourcePayload, returnURLs: ReturnURLs)
    }

    @usableFromInline
    final class Storage: @unchecked Sendable {
        // Sendable: a `Storage` is only ever changed through a row that holds the one reference
        // to it (`isKnownUniquelyReferenced` before every change, a fresh copy otherwise), so no
        // storage another row, or another thread, can see is ever written. For the same reason
        // the fields go without the runtime's exclusivity checks: a field is only changed by an
        // accessor whose access ends before any other begins.
        @usableFromInline @exclusivity(unchecked) var report: ReportRow
        @usableFromInline @exclusivity(unchecked) var raw: [UInt8]?
        @usableFromInline @exclusivity(unchecked) var disposition: Disposition
        @usableFromInline @exclusivity(unchecked) var key: String?

        @usableFromInline
        init(report: ReportRow, raw: [UInt8]?, disposition: Disposition, key: String?) {
            self.report = report
            self.raw = raw
            self.disposition = disposition
            self.key = key
        }

        @usableFromInline
        func copy() -> Storage {
            Storage(report: report, raw: raw, disposition: disposition, key: key)
        }
    }

    @usableFromInline
    var storage: Storage

    /// The storage, copied first when another row shares it.
    @inlinable
    var uniqueStorage: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            return storage
        }
    }

    /// The report line: final for `invalid` and `skipped`, a template (status `valid`) otherwise.
    @inlinable
    public var report: ReportRow {
        _read { yield storage.report }
        _modify { yield &uniqueStorage.report }
    }

    /// The record exactly as it was in the input, for the errors file.
    @inlinable
    public var raw: [UInt8]? {
        _read { yield storage.raw }
        _modify { yield &uniqueStorage.raw }
    }

    /// What validation decided. Once ``ImportCore`` plans a candidate, the payload has moved on
    /// to the planned row and the disposition left behind reads `skipped`.
    @inlinable
    public var disposition: Disposition {
        _read { yield storage.disposition }
        _modify { yield &uniqueStorage.disposition }
    }

    /// The value of the match field (`customFieldN` under a stable key), for every row, invalid
    /// ones included: a key is taken by its first row whether or not that row is valid.
    @inlinable
    public var key: String? {
        _read { yield storage.key }
        _modify { yield &uniqueStorage.key }
    }

    @inlinable
    public var row: Int { storage.report.row }

    /// The report line, moved out of the row (which is left with an empty line of the same
    /// number): a value read through ``report`` is copied out of the storage, every string
    /// retained, which the report writer's call did for every row (issue 17).
    @inlinable
    public mutating func takeReport() -> ReportRow {
        var line = ReportRow(row: storage.report.row, line: 0, status: .valid)
        swap(&line, &uniqueStorage.report)
        return line
    }

    public init(report: ReportRow, raw: [UInt8]?, disposition: Disposition, key: String? = nil) {
        storage = Storage(report: report, raw: raw, disposition: disposition, key: key)
    }

    public static func == (a: ImportRow, b: ImportRow) -> Bool {
        a.storage === b.storage
            || (a.report == b.report && a.raw == b.raw && a.disposition == b.disposition && a.key == b.key)
    }
}
