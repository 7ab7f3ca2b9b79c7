import BatchModel
import Foundation
import JSONCodec

/// Reads the API's answers that carry resources straight from their bytes with a `JSONScanner`
/// (issue 17: `JSONDecoder` was half the import client's CPU), accepting exactly what the
/// `Decodable` types they replace accepted:
/// - a bulk answer: a bare array of resource objects, or a list envelope `{"data":[…]}`;
/// - a page of the resource list: the envelope, `data` required, `hasMore` / `count` / `total`
///   lenient (`true`, `1`, `"yes"`; numbers or numeric strings);
/// - one resource (`GET /resources/{id}`);
/// - a calendar auth link `{"calendarId":…,"calendarAuthUrl":…}`, both strings or null.
///
/// Keys given twice count the first time, as with `JSONDecoder`.
enum ResourceAnswer {
    /// The outcomes of a bulk answer's resources (a bare array, or the list envelope): what
    /// `list(_:fields:)` reads, narrowed to `ResourceOutcome`, without building whole resources.
    static func outcomes(_ body: Data) throws -> [ResourceOutcome] {
        try outcomes(body, expecting: nil)
    }

    /// ``outcomes(_:)``, the `i`-th resource of a bare array read reusing the strings of
    /// `expected(i)` it repeats (what the `i`-th resource of the request sent).
    static func outcomes(_ body: Data, expecting expected: ((Int) -> ResourceOutcome.Expected?)?) throws -> [ResourceOutcome] {
        try scan(body) { s in
            if try s.peek() == .array { return try outcomeElements(&s, expected) }
            return try envelope(&s, ResourceOutcome.init(scanning:)).data
        }
    }

    /// The array of resource objects at the position, each read where it lies in the result
    /// (``ResourceOutcome/scan(_:)``): through `elements(_:_:)`, each outcome was made in a
    /// temporary and copied into the array (issue 17).
    private static func outcomeElements(
        _ s: inout JSONScanner, _ expected: ((Int) -> ResourceOutcome.Expected?)?
    ) throws -> [ResourceOutcome] {
        var list: [ResourceOutcome] = []
        list.reserveCapacity(OnSchedClient.maxBulkSize)
        var cursor = try s.beginArray()
        while try s.nextElement(&cursor) {
            let i = list.count
            list.append(ResourceOutcome())
            try list[i].scan(&s, expecting: expected?(i))
        }
        return list
    }

    /// A page of `GET /setup/v1/resources`.
    struct Page {
        var hasMore: Bool?
        var count: Int?
        var total: Int?
        var data: [Resource]
    }

    /// The resources of a bulk answer (a bare array, or the list envelope), with `fields` read.
    static func list(_ body: Data, fields: ResourceFieldSet = .all) throws -> [Resource] {
        try scan(body) { s in
            if try s.peek() == .array { return try resources(&s, fields: fields) }
            return try page(&s, fields: fields).data
        }
    }

    /// A page of the resource list.
    static func page(_ body: Data) throws -> Page {
        try scan(body) { s in try page(&s) }
    }

    /// One resource object.
    static func resource(_ body: Data) throws -> Resource {
        try scan(body) { s in try Resource(scanning: &s) }
    }

    /// The `calendarAuthUrl` of an auth-link answer (`nil` when absent or null).
    /// - Throws: when the answer is not an object, or `calendarId` / `calendarAuthUrl` is neither
    ///   a string nor null (the `Decodable` answer type refused those too).
    static func calendarAuthURL(_ body: Data) throws -> String? {
        try scan(body) { s in
            var url: String?
            var seen: UInt8 = 0
            var valid = true
            var cursor = try s.beginObject()
            while let key = try s.nextKey(&cursor) {
                let bit: UInt8 = s.key(key, is: "calendarAuthUrl") ? 1 : s.key(key, is: "calendarId") ? 2 : 0
                guard bit != 0, seen & bit == 0 else {
                    try s.skipValue()
                    continue
                }
                seen |= bit
                let value = try JSONLenient.strictString(&s, valid: &valid)
                if bit == 1 { url = value }
            }
            guard valid else { throw JSONScanError(offset: s.position, reason: "calendarId or calendarAuthUrl is not a string") }
            return url
        }
    }

    private static func scan<R>(_ body: Data, _ read: (inout JSONScanner) throws -> R) throws -> R {
        try body.withUnsafeBytes { try JSONScanner.scan($0, read) }
    }

    private static func resources(_ s: inout JSONScanner, fields: ResourceFieldSet = .all) throws -> [Resource] {
        try elements(&s) { s in try Resource(scanning: &s, fields: fields) }
    }

    /// The array at the position, each element read by `element`.
    private static func elements<T>(_ s: inout JSONScanner, _ element: (inout JSONScanner) throws -> T) throws -> [T] {
        var list: [T] = []
        list.reserveCapacity(OnSchedClient.maxBulkSize)  // a bulk answer or a page: at most 100
        var cursor = try s.beginArray()
        while try s.nextElement(&cursor) { list.append(try element(&s)) }
        return list
    }

    private static func page(_ s: inout JSONScanner, fields: ResourceFieldSet = .all) throws -> Page {
        let (data, hasMore, count, total) = try envelope(&s) { s in try Resource(scanning: &s, fields: fields) }
        return Page(hasMore: hasMore, count: count, total: total, data: data)
    }

    /// The list envelope at the position, its `data` elements read by `element`: `data`
    /// required and not null, `hasMore` / `count` / `total` lenient.
    private static func envelope<T>(
        _ s: inout JSONScanner, _ element: (inout JSONScanner) throws -> T
    ) throws -> (data: [T], hasMore: Bool?, count: Int?, total: Int?) {
        var hasMore: Bool?
        var count: Int?
        var total: Int?
        var data: [T]?
        var seen: UInt8 = 0
        var cursor = try s.beginObject()
        while let key = try s.nextKey(&cursor) {
            let bit: UInt8 =
                s.key(key, is: "data") ? 1 : s.key(key, is: "hasMore") ? 2 : s.key(key, is: "count") ? 4 : s.key(key, is: "total") ? 8 : 0
            guard bit != 0, seen & bit == 0 else {
                try s.skipValue()
                continue
            }
            seen |= bit
            switch bit {
            case 1:
                if try s.readNullIfPresent() { throw JSONScanError(offset: s.position, reason: "data is null") }
                data = try elements(&s, element)
            case 2: hasMore = try JSONLenient.bool(&s)
            case 4: count = try JSONLenient.int(&s)
            default: total = try JSONLenient.int(&s)
            }
        }
        guard let data else { throw JSONScanError(offset: s.position, reason: "no data") }
        return (data, hasMore, count, total)
    }
}
