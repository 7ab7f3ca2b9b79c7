import BatchModel
import BatchInput
import Foundation
#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel
#endif

/// Applies cli.md's row rules to one record and builds the payload to send.
///
/// Every problem of a row is collected, each naming its field; nothing here does I/O. The e-mail
/// hosting rule needs DNS and is applied afterwards (``HostingStep``), and duplicates need the
/// rows before (``DuplicateTracker``).
public struct ResourceValidator: Sendable {
    public let options: ValidationOptions
    /// Whether `--google-return-url` / `--outlook-return-url` were given, and what is wrong with
    /// each (nil: nothing): the same for every row without a return URL of its own, so worked
    /// out once, and no `String` touched per row.
    private let hasOptionURL: (google: Bool, outlook: Bool)
    private let optionURLProblem: (google: String?, outlook: String?)
    private var urlVerdicts: [String: String?] = [:]
    private var lastURL: (url: String, verdict: String?)?
    /// The time zone texts seen and what they resolved to (the Windows id to send instead, or the
    /// row's error): an HR file has a handful of zones, so a row's zone is found by its bytes
    /// (``ByteKeyCache``) without making a `String`.
    private var knownZones = ByteKeyCache(foldingASCIICase: false)
    /// What each zone text in ``knownZones`` resolved to, by its number there.
    private var zones: [(mapped: String?, problem: String?)] = []
    private static let wholeNumberFields: [ResourceField] = [.notificationType, .bookingNotification, .sortKey]

    public init(options: ValidationOptions) {
        self.options = options
        hasOptionURL = (options.returnURLs.google != nil, options.returnURLs.outlook != nil)
        optionURLProblem = (options.returnURLs.google.flatMap(Self.returnURLProblem),
                            options.returnURLs.outlook.flatMap(Self.returnURLProblem))
    }

    /// Checks `record`. The payload to send is built only when asked for (``ValidatedRow/payload``):
    /// `validate` never needs it, and building it for a million rows was most of the run's work.
    public mutating func validate(_ record: consuming SourceRecord) -> ValidatedRow {
        // `consuming`: the record moves into the row instead of being copied (a retain and a
        // release of each of its references per row).
        var issues = record.issues
        let row = ValidatedRow(record: record, defaultLocationId: options.locationId, id: nil, provider: nil,
                               calendarAvailability: nil, issues: [], duplicateOf: nil, calendarIdIsValid: false)
        return check(row, issues: &issues)
    }

    /// ``validate(_:)`` appending the row to `rows`, checked where it lands in the array: the
    /// ~290-byte row is moved once instead of being returned and then copied in.
    mutating func validate(_ record: consuming SourceRecord, appendingTo rows: inout [ValidatedRow]) {
        appendUnchecked(record, to: &rows)
        check(&rows[rows.count - 1])
    }

    /// Appends the record as a row not yet checked: ``check(_:)`` must follow before the row is
    /// used (possibly on another thread, with another validator of the same options: the checks
    /// depend on the row and the options only).
    func appendUnchecked(_ record: consuming SourceRecord, to rows: inout [ValidatedRow]) {
        rows.append(ValidatedRow(record: record, defaultLocationId: options.locationId, id: nil, provider: nil,
                                 calendarAvailability: nil, issues: [], duplicateOf: nil, calendarIdIsValid: false))
    }

    /// Checks a row that ``appendUnchecked(_:to:)`` appended, where it is: the same as
    /// ``validate(_:appendingTo:)`` had done at once.
    /// `inout`: the row is reached in place in its array (no pointer, no copy of the row).
    mutating func check(_ row: inout ValidatedRow) {
        var issues = row.record.issues
        var details = CheckedDetails()
        let checked = checkFields(&row.record.input, issues: &issues, details: &details)
        row.id = details.id
        row.provider = checked.provider
        row.calendarAvailability = checked.availability
        row.returnURLs = details.returnURLs
        row.issues = issues
        row.calendarIdIsValid = checked.calendarIdIsValid
        row.mappedTimezoneId = details.timezoneId
    }

    /// Checks rows `range` of a batch read into an arena (``RowArena``), where they are: the same
    /// checks and issues as ``check(_:)``, the results kept in the plain rows. The rows are read
    /// through one view sharing the batch's bytes, reloaded per row; nothing is copied or kept
    /// but the results `validate` needs (the payload's zone and return URLs are not: `validate`
    /// sends nothing).
    mutating func check(_ arena: inout RowArena, rows range: Range<Int>) {
        guard !range.isEmpty else { return }
        var input = arena.view(range.lowerBound)
        var noDetails = NoDetails() // `validate` sends nothing: no string kept per row
        for i in range {
            if i != range.lowerBound { arena.reload(&input, i) }
            // The usual row has no issues from the reading: no call, no array taken or given back.
            let hadIssues = arena.rows[i].issueSlot >= 0
            var issues = hadIssues ? arena.takeIssues(i) : []
            // Whether each calendar id repeats the e-mail, from the entries the row keeps apart:
            // no search of the view's entries for them (``ResourceInput/sameBytes(_:_:)``).
            let email = arena.rows[i].emailEntry
            let sameAsEmail = email == 0 ? (google: false, outlook: false)
                : (google: Self.sameCells(arena.bytes.span, email, arena.rows[i].googleEntry),
                   outlook: Self.sameCells(arena.bytes.span, email, arena.rows[i].outlookEntry))
            let checked = checkFields(&input, issues: &issues, details: &noDetails, sameAsEmail: sameAsEmail)
            // Only a row whose clear markers the checks took has anything to give back: the
            // test here spares the usual row a call that copied its view.
            if input.present != arena.rows[i].present || input.clearedMask != arena.rows[i].cleared {
                arena.store(i, from: input)
            }
            arena.rows[i].provider = checked.provider
            arena.rows[i].availability = checked.availability.map { Int8(truncatingIfNeeded: $0) } ?? -1
            arena.rows[i].calendarIdIsValid = checked.calendarIdIsValid
            if hadIssues || !issues.isEmpty { arena.setIssues(i, issues) }
        }
    }

    /// Whether two entries of a batch (``ArenaRow``) hold the same bytes of `text`, the batch's
    /// bytes (0: no value, never the same): as ``ResourceInput/sameBytes(_:_:)``, 16 or eight
    /// bytes at a time through bounds-checked `RawSpan` loads.
    @inline(__always)
    static func sameCells(_ text: Span<UInt8>, _ a: UInt64, _ b: UInt64) -> Bool {
        guard let ra = ArenaRow.range(a), let rb = ArenaRow.range(b), ra.count == rb.count else { return false }
        let n = ra.count, s1 = ra.lowerBound, s2 = rb.lowerBound
        // Memory-safe despite the name: RawSpan checks each load's range is inside it, and every
        // bit pattern is a valid UInt64 or __m128i. The last word overlaps the ones before (its
        // bytes inside both cells): no byte loop for the tail.
        let raw = text.bytes
        #if arch(x86_64) && canImport(_Builtin_intrinsics)
        if n >= 16 {
            // An address: 16 bytes at a time with SSE2 (baseline on x86-64).
            var at = 0
            while true {
                let x = raw.unsafeLoadUnaligned(fromByteOffset: s1 &+ at, as: __m128i.self)
                let y = raw.unsafeLoadUnaligned(fromByteOffset: s2 &+ at, as: __m128i.self)
                if _mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) != 0xFFFF { return false }
                if at == n &- 16 { return true }
                at = min(at &+ 16, n &- 16)
            }
        }
        #endif
        if n < 8 {
            for i in 0..<n where text[s1 &+ i] != text[s2 &+ i] { return false }
            return true
        }
        var i = 0
        while i &+ 8 < n {
            if raw.unsafeLoadUnaligned(fromByteOffset: s1 &+ i, as: UInt64.self)
                != raw.unsafeLoadUnaligned(fromByteOffset: s2 &+ i, as: UInt64.self) { return false }
            i &+= 8
        }
        return raw.unsafeLoadUnaligned(fromByteOffset: s1 &+ n &- 8, as: UInt64.self)
            == raw.unsafeLoadUnaligned(fromByteOffset: s2 &+ n &- 8, as: UInt64.self)
    }

    private mutating func check(_ row: consuming ValidatedRow, issues: inout [RowIssue]) -> ValidatedRow {
        // The input borrowed where it is in the row, not copied (a retain and release of each of
        // its buffers per row).
        var details = CheckedDetails()
        let checked = checkFields(&row.record.input, issues: &issues, details: &details)
        row.id = details.id
        row.provider = checked.provider
        row.calendarAvailability = checked.availability
        row.returnURLs = details.returnURLs
        row.issues = issues
        row.calendarIdIsValid = checked.calendarIdIsValid
        row.mappedTimezoneId = details.timezoneId
        return row
    }

    /// `input` is `inout` only so that it is accessed in place (it is not changed): borrowing it
    /// from `row.pointee` made the compiler copy it per row (a retain and release of each buffer).
    /// What a payload needs besides the checks' verdicts: the row's id, return URLs and time zone
    /// as sent. Kept apart from ``checkFields(_:issues:details:)``'s result, so that `validate`'s
    /// batches, which send nothing, pass `nil` and keep no `String` per row (nor release one).
    struct CheckedDetails: DetailsSink {
        var id: String?
        var returnURLs = ReturnURLs()
        var timezoneId: String?
        static var wanted: Bool { true }
        mutating func setID(_ id: String?) { self.id = id }
        mutating func setReturnURL(_ url: String, for provider: CalendarProvider) {
            if provider == .google { returnURLs.google = url } else { returnURLs.outlook = url }
        }
        mutating func setTimezoneId(_ id: String?) { timezoneId = id }
    }

    /// Where ``checkFields(_:issues:details:)`` puts what a payload needs; specialized per sink,
    /// so the sink that wants nothing costs nothing.
    protocol DetailsSink {
        static var wanted: Bool { get }
        mutating func setID(_ id: String?)
        mutating func setReturnURL(_ url: String, for provider: CalendarProvider)
        mutating func setTimezoneId(_ id: String?)
    }

    /// The sink of `validate`'s batches: keeps nothing.
    struct NoDetails: DetailsSink {
        static var wanted: Bool { false }
        func setID(_ id: String?) {}
        func setReturnURL(_ url: String, for provider: CalendarProvider) {}
        func setTimezoneId(_ id: String?) {}
    }

    /// `input` is `inout` only so that it is accessed in place (it is not changed): borrowing it
    /// from `row.pointee` made the compiler copy it per row (a retain and release of each buffer).
    /// `details` gets the id, return URL and zone when its sink wants them (``DetailsSink/wanted``).
    /// `sameAsEmail`, when given, says whether each calendar id holds the e-mail's bytes (the
    /// batch path knows it from the row's kept entries); else the input is asked. Clear markers
    /// only drop entries, so it holds for the fields still given once they are taken.
    private mutating func checkFields<D: DetailsSink>(_ input: inout ResourceInput, issues: inout [RowIssue], details: inout D,
                                                      sameAsEmail: (google: Bool, outlook: Bool)? = nil)
        -> (provider: CalendarProvider?, availability: Int?, calendarIdIsValid: Bool) {

        input.takeClearMarkers()
        if input.clearedMask != 0 {
            for field in input.clearedFields where !field.isClearable {
                issues.append(.error(field, "cannot be cleared (only text fields can)"))
            }
        }
        // Absent fields are ruled out by one bit test each, before any `String` is asked for.
        let id = input.has(.id) ? input[.id] : nil
        if D.wanted { details.setID(id) }
        if !input.has(.name) && !input.isCleared(.name) { issues.append(.error(.name, "is required")) }

        // A flag and a `String?` rather than a `String??` kept across the checks, and the usual
        // valid address's verdict reused below as a `nil` literal, not a copy: the copy and the
        // outlined destroy cost a retain, a release and ~20 instructions more per row.
        let hasEmail = input.has(.email)
        let emailProblem: String? = hasEmail ? input.withSpan(.email, EmailAddress.problem(utf8:)) ?? nil : nil
        if hasEmail {
            if let problem = emailProblem { issues.append(.error(.email, "'\(input[.email]!)' \(problem)")) }
        } else if id == nil {
            issues.append(.error(.email, "is required for a new resource (a row without id)"))
        }

        if input.has(.groupId), !Self.isInteger(input, .groupId) {
            issues.append(.error(.groupId, "'\(input[.groupId]!)' is not a whole number"))
        }

        // Calendar settings.
        let hasGoogle = input.has(.googleCalendarId)
        let hasOutlook = input.has(.outlookCalendarId)
        var provider: CalendarProvider?
        var calendarIdIsValid = false
        if hasGoogle && hasOutlook {
            issues.append(RowIssue(.error, field: "googleCalendarId, outlookCalendarId",
                                   "a resource syncs with Google or Outlook, not both"))
        }
        // Google's then Outlook's, without the global array's accessor, retain and release per row.
        for k in 0..<2 {
            let p: CalendarProvider = k == 0 ? .google : .outlook
            guard input.has(p.calendarIdField) else { continue }
            // The calendar id is often the e-mail itself: its verdict is then already known.
            let problem: String?
            if hasEmail,
               sameAsEmail.map({ k == 0 ? $0.google : $0.outlook }) ?? input.sameBytes(.email, p.calendarIdField) {
                problem = emailProblem == nil ? nil : emailProblem
            } else {
                problem = input.withSpan(p.calendarIdField, EmailAddress.problem(utf8:)) ?? nil
            }
            if let problem {
                issues.append(.error(p.calendarIdField, "'\(input[p.calendarIdField]!)' \(problem)"))
            }
            if provider == nil {
                provider = p
                calendarIdIsValid = problem == nil
            }
        }

        var availability: Int?
        if input.has(.calendarAvailability) {
            // The usual one-digit value from its byte, without a String or `lowercased()`.
            let fast = input.withSpan(.calendarAvailability) { b -> Int? in
                b.count == 1 && b[0] >= 0x30 && b[0] <= 0x32 ? Int(b[0] - 0x30) : nil
            } ?? nil
            let text = fast == nil ? input[.calendarAvailability]! : ""
            if let value = fast ?? Self.availability(text) {
                availability = value
                if value == 1 && !hasGoogle {
                    issues.append(.error(.calendarAvailability, "1 (Google) needs a googleCalendarId"))
                } else if value == 2 && !hasOutlook {
                    issues.append(.error(.calendarAvailability, "2 (Outlook) needs an outlookCalendarId"))
                }
            } else {
                issues.append(.error(.calendarAvailability, "'\(text)' is not 0, 1, 2, onsched, none, google or outlook"))
            }
        }

        if let provider {
            let field = provider.returnURLField
            let google = provider == .google
            if input.has(field), let url = input[field] {
                if let problem = returnURLProblem(url) {
                    issues.append(.error(field, "'\(url)' \(problem)"))
                }
                if D.wanted { details.setReturnURL(url, for: provider) }
            } else if google ? hasOptionURL.google : hasOptionURL.outlook {
                if let problem = google ? optionURLProblem.google : optionURLProblem.outlook {
                    let url = google ? options.returnURLs.google! : options.returnURLs.outlook!
                    issues.append(.error(field, "'\(url)' \(problem)"))
                }
                if D.wanted { details.setReturnURL(google ? options.returnURLs.google! : options.returnURLs.outlook!, for: provider) }
            } else {
                let option = provider == .google ? "--google-return-url" : "--outlook-return-url"
                issues.append(.error(field, "is required with \(provider.calendarIdField.name): give the column or \(option)"))
            }
        }

        for field in Self.wholeNumberFields where input.has(field) && !Self.isInteger(input, field) {
            issues.append(.error(field, "'\(input[field]!)' is not a whole number"))
        }
        if input.has(.ignoreBusinessHours), let text = input[.ignoreBusinessHours], Self.boolean(text) == nil {
            issues.append(.error(.ignoreBusinessHours, "'\(text)' is not true or false"))
        }
        if input.has(.hourly), let text = input[.hourly], Self.hourly(text) == nil {
            issues.append(.error(.hourly, "'\(text)' is not a non-negative number"))
        }
        if input.has(.effectiveDate), let text = input[.effectiveDate], !Self.isISODate(text) {
            issues.append(.error(.effectiveDate, "'\(text)' is not a date (YYYY-MM-DD or an ISO 8601 date-time)"))
        }
        if let ids = input.serviceIds {
            for text in ids where Self.serviceId(text) == nil {
                issues.append(.error(.serviceIds, "'\(text)' is not a service id (a whole number)"))
            }
        }

        // Time zones: a Windows id of the list, or an IANA name sent as its Windows id.
        if input.has(.timezoneId) {
            let known = input.withSpan(.timezoneId) { knownZones.code(for: $0) } ?? nil
            if let known {
                // Read in place in the table: no copy of the entry's strings for a known zone.
                if D.wanted { details.setTimezoneId(zones[Int(known)].mapped) }
                if zones[Int(known)].problem != nil { issues.append(.error(.timezoneId, zones[Int(known)].problem!)) }
            } else {
                let zone = resolveZone(input)
                if D.wanted { details.setTimezoneId(zone.mapped) }
                if let problem = zone.problem { issues.append(.error(.timezoneId, problem)) }
            }
        }

        return (provider, availability, calendarIdIsValid)
    }

    /// The body to send for `input`: every given field, with values that fail their check left out
    /// (a row with a failing check is never sent). `locationId` falls back to `--location-id`.
    public static func payload(for input: ResourceInput, defaultLocationId: String?) -> ResourcePayload {
        payload(for: input, defaultLocationId: defaultLocationId, reusing: nil, calendarIdField: nil)
    }

    /// ``payload(for:defaultLocationId:)``, with the name, e-mail and the `calendarIdField`'s
    /// text taken from `texts` (made from `input` already) instead of being made again, and the
    /// availability and mapped zone that validation read.
    public static func payload(for input: ResourceInput, defaultLocationId: String?, reusing texts: RowTexts?,
                               calendarIdField: ResourceField?) -> ResourcePayload {
        var payload = ResourcePayload()
        // A field the row clears is sent empty, which the API takes as "no value".
        func text(_ field: ResourceField) -> String? {
            if input.isCleared(field) { return "" }
            if let texts, field == calendarIdField { return texts.calendarId }
            return input[field]
        }
        // The fields given or cleared: a nested object none of whose fields is either is left
        // out without asking for each of them (every one would be nil, the object empty).
        // Issue 17: a typical row gives no address, contact or custom field, and asking for
        // those 23 fields and comparing the empty objects cost ~3,000 instructions a row.
        let given = input.present | input.clearedMask

        payload.name = texts == nil ? input[.name] : texts?.name
        payload.email = texts == nil ? input[.email] : texts?.email
        payload.description = text(.description)
        payload.timezoneId = texts?.mappedTimezoneId ?? text(.timezoneId)
        payload.locationId = input[.locationId] ?? defaultLocationId
        payload.groupId = text(.groupId)

        if given & GivenMask.options != 0 {
            // Made in the assignment and passed through `nonEmpty` (a value the options' text
            // does not parse to leaves a field out, so they may be empty): a local was copied into
            // the payload and destroyed (issue 17).
            payload.options = nonEmpty(ResourceOptions(
                googleCalendarId: text(.googleCalendarId), outlookCalendarId: text(.outlookCalendarId),
                calendarAvailability: texts == nil ? input[.calendarAvailability].flatMap(availability) : texts?.calendarAvailability,
                notificationType: input[.notificationType].flatMap { Int($0) },
                bookingNotification: input[.bookingNotification].flatMap { Int($0) },
                sortKey: input[.sortKey].flatMap { Int($0) },
                ignoreBusinessHours: input[.ignoreBusinessHours].flatMap(boolean),
                displayColor: text(.displayColor), bioLink: text(.bioLink), gender: text(.gender),
                hourly: input[.hourly].flatMap(hourly),
                effectiveDate: input.isCleared(.effectiveDate) ? "" : input[.effectiveDate].flatMap { isISODate($0) ? $0 : nil }))
        }
        // A contact or an address one of whose fields is given or cleared is never empty (each
        // field is its text, or "" when cleared): made in the assignment, with no local to copy
        // into the payload and destroy (issue 17: ~700 instructions a row with a phone).
        if given & GivenMask.contact != 0 {
            payload.contact = ResourceContact(
                businessPhone: text(.businessPhone), businessPhoneExt: text(.businessPhoneExt),
                mobilePhone: text(.mobilePhone), homePhone: text(.homePhone), phoneType: text(.phoneType),
                skypeUsername: text(.skypeUsername), conferenceInfo: text(.conferenceInfo))
        }
        if given & GivenMask.address != 0 {
            payload.address = ResourceAddress(
                addressLine1: text(.addressLine1), addressLine2: text(.addressLine2), city: text(.city),
                state: text(.state), postalCode: text(.postalCode), country: text(.country))
        }
        if given & GivenMask.custom != 0 {
            var custom = ResourceCustomFields()
            for n in 1...10 {
                custom[n] = text(Self.customFields[n - 1])
            }
            if !custom.isEmpty { payload.customFields = custom }
        }
        if let ids = input.serviceIds {
            payload.serviceIds = ids.compactMap(serviceId)
        }
        return payload
    }

    /// `options`, or `nil` when it is empty: consumed, so that the payload takes it with no copy.
    private static func nonEmpty(_ options: consuming ResourceOptions) -> ResourceOptions? {
        options.isEmpty ? nil : options
    }

    /// The fields each nested object of ``payload(for:defaultLocationId:)`` is built from, as
    /// bits by ordinal (``ResourceInput``'s `present` and `clearedMask`).
    enum GivenMask {
        static let options = bits([.googleCalendarId, .outlookCalendarId, .calendarAvailability, .notificationType,
                                   .bookingNotification, .sortKey, .ignoreBusinessHours, .hourly, .effectiveDate,
                                   .displayColor, .bioLink, .gender])
        static let contact = bits([.businessPhone, .businessPhoneExt, .mobilePhone, .homePhone, .phoneType,
                                   .skypeUsername, .conferenceInfo])
        static let address = bits([.addressLine1, .addressLine2, .city, .state, .postalCode, .country])
        static let custom = bits(ResourceValidator.customFields)

        static func bits(_ fields: [ResourceField]) -> UInt64 {
            fields.reduce(0) { $0 | 1 << UInt64($1.ordinal) }
        }
    }

    /// What the input's `timezoneId` text resolves to, remembered for the next rows.
    private mutating func resolveZone(_ input: ResourceInput) -> (mapped: String?, problem: String?) {
        let text = input[.timezoneId]!
        var zone: (mapped: String?, problem: String?) = (nil, nil)
        if text.lowercased() != "#clear" {
            switch options.timeZones.resolve(text) {
            case .windowsId(let id):
                if id != text { zone.mapped = id }
            case .mapped(let id):
                zone.mapped = id
            case .unknown(let suggestions):
                let hint = suggestions.isEmpty ? "" : "; did you mean \(suggestions.joined(separator: " or "))?"
                zone.problem = "'\(text)' is not a time zone OnSched lists (a Windows zone id such as Eastern Standard Time, or its IANA name)\(hint)"
            }
        }
        // Numbered in order; past 4,096 texts (a broken column) they are resolved afresh each time.
        if zones.count < 4096 {
            let code = Int32(zones.count)
            zones.append(zone)
            input.withSpan(.timezoneId) { knownZones.set(code, for: $0) }
        }
        return zone
    }

    /// Whether the field's text is what `Int(_:)` accepts, checked on its bytes without a `String`.
    private static func isInteger(_ input: ResourceInput, _ field: ResourceField) -> Bool {
        input.withSpan(field) { b -> Bool in
            // Int(String): an optional sign, then 1+ ASCII digits, within Int's range.
            var i = 0
            if b.count > 0 && (b[0] == 0x2B || b[0] == 0x2D) { i = 1 }
            guard i < b.count else { return false }
            var allDigits = true
            for j in i..<b.count where !(b[j] >= 0x30 && b[j] <= 0x39) {
                allDigits = false
                break
            }
            guard allDigits else { return false }
            if b.count - i <= 18 { return true }
            return input[field].flatMap { Int($0) } != nil
        } ?? false
    }

    static func hourly(_ text: String) -> Double? {
        if let d = Double(text), d.isFinite, d >= 0 { return d }
        return nil
    }

    static func serviceId(_ text: String) -> Int? {
        if let n = Int(text), n >= 0 { return n }
        return nil
    }

    package static let customFields: [ResourceField] = (1...10).map { ResourceField(name: "customField\($0)")! }

    /// `calendarAvailability` from `0/1/2` or the words `onsched`/`none`, `google`, `outlook`.
    public static func availability(_ text: String) -> Int? {
        switch text.lowercased() {
        case "0", "onsched", "none": return 0
        case "1", "google": return 1
        case "2", "outlook", "microsoft": return 2
        default: return nil
        }
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "y", "1": return true
        case "false", "no", "n", "0": return false
        default: return nil
        }
    }

    /// `YYYY-MM-DD`, optionally followed by `T` and a time.
    static func isISODate(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count >= 10 else { return false }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9]
        guard digits.allSatisfy({ b[$0] >= 0x30 && b[$0] <= 0x39 }), b[4] == 0x2D, b[7] == 0x2D else { return false }
        let month = Int(b[5] - 0x30) * 10 + Int(b[6] - 0x30)
        let day = Int(b[8] - 0x30) * 10 + Int(b[9] - 0x30)
        let year = b[0..<4].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return false }
        return b.count == 10 || b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " ")
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Why `url` cannot be a return URL (absolute `https`, `http` only for localhost), cached per value.
    private mutating func returnURLProblem(_ url: String) -> String? {
        // The last URL's verdict first: rows mostly carry the same (option's) URL, and comparing
        // with it costs less than hashing it for the dictionary.
        if let last = lastURL, last.url == url { return last.verdict }
        if let cached = urlVerdicts[url] {
            lastURL = (url, cached)
            return cached
        }
        let verdict = Self.returnURLProblem(url)
        if urlVerdicts.count < 1024 { urlVerdicts[url] = verdict }
        lastURL = (url, verdict)
        return verdict
    }

    public static func returnURLProblem(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return "is not an absolute URL"
        }
        switch scheme {
        case "https": return nil
        case "http":
            let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            return h == "localhost" || h == "::1" || isLoopbackIPv4(h) ? nil : "must use https (http only for localhost)"
        default:
            return "must be an https URL"
        }
    }

    /// A dotted IPv4 literal in 127.0.0.0/8. A prefix test would let `127.evil.example` through.
    static func isLoopbackIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { p in p.count <= 3 && p.allSatisfy { $0.isASCII && $0.isNumber } && (UInt8(p) != nil) }
    }
}
