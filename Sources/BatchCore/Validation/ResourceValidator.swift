import Foundation

/// Applies cli.md's row rules to one record and builds the payload to send.
///
/// Every problem of a row is collected, each naming its field; nothing here does I/O. The e-mail
/// hosting rule needs DNS and is applied afterwards (``HostingStep``), and duplicates need the
/// rows before (``DuplicateTracker``).
public struct ResourceValidator: Sendable {
    public var options: ValidationOptions
    private var urlVerdicts: [String: String?] = [:]

    public init(options: ValidationOptions) {
        self.options = options
    }

    /// Checks `record` and converts it to a payload.
    public mutating func validate(_ record: SourceRecord) -> ValidatedRow {
        let input = record.input
        var issues = record.issues
        var payload = ResourcePayload()
        var options = ResourceOptions()
        var address = ResourceAddress()
        var contact = ResourceContact()
        var custom = ResourceCustomFields()

        let id = input[.id]
        payload.name = input[.name]
        if payload.name == nil { issues.append(.error(.name, "is required")) }

        let email = input[.email]
        payload.email = email
        if let email {
            if let problem = EmailAddress.problem(email) { issues.append(.error(.email, "'\(email)' \(problem)")) }
        } else if id == nil {
            issues.append(.error(.email, "is required for a new resource (a row without id)"))
        }

        payload.description = input[.description]
        payload.timezoneId = input[.timezoneId]
        payload.locationId = input[.locationId] ?? self.options.locationId
        if let group = input[.groupId] {
            if Int(group) == nil { issues.append(.error(.groupId, "'\(group)' is not a whole number")) }
            payload.groupId = group
        }

        // Calendar settings.
        let google = input[.googleCalendarId]
        let outlook = input[.outlookCalendarId]
        var provider: CalendarProvider?
        var calendarId: String?
        if google != nil && outlook != nil {
            issues.append(RowIssue(.error, field: "googleCalendarId, outlookCalendarId",
                                   "a resource syncs with Google or Outlook, not both"))
        }
        for (p, value) in [(CalendarProvider.google, google), (.outlook, outlook)] {
            guard let value else { continue }
            if let problem = EmailAddress.problem(value) {
                issues.append(.error(p.calendarIdField, "'\(value)' \(problem)"))
            }
            if provider == nil {
                provider = p
                calendarId = value
            }
        }
        options.googleCalendarId = google
        options.outlookCalendarId = outlook

        var availability: Int?
        if let text = input[.calendarAvailability] {
            if let value = Self.availability(text) {
                availability = value
                if value == 1 && google == nil {
                    issues.append(.error(.calendarAvailability, "1 (Google) needs a googleCalendarId"))
                } else if value == 2 && outlook == nil {
                    issues.append(.error(.calendarAvailability, "2 (Outlook) needs an outlookCalendarId"))
                }
            } else {
                issues.append(.error(.calendarAvailability, "'\(text)' is not 0, 1, 2, onsched, none, google or outlook"))
            }
        }
        options.calendarAvailability = availability

        var returnURLs = ReturnURLs()
        if let provider {
            let field = provider.returnURLField
            let url = input[field] ?? (provider == .google ? self.options.returnURLs.google : self.options.returnURLs.outlook)
            if let url {
                if let problem = returnURLProblem(url) {
                    issues.append(.error(field, "'\(url)' \(problem)"))
                }
                if provider == .google { returnURLs.google = url } else { returnURLs.outlook = url }
            } else {
                let option = provider == .google ? "--google-return-url" : "--outlook-return-url"
                issues.append(.error(field, "is required with \(provider.calendarIdField.name): give the column or \(option)"))
            }
        }

        options.notificationType = integer(.notificationType, input, &issues)
        options.bookingNotification = integer(.bookingNotification, input, &issues)
        options.sortKey = integer(.sortKey, input, &issues)
        if let text = input[.ignoreBusinessHours] {
            if let b = Self.boolean(text) { options.ignoreBusinessHours = b }
            else { issues.append(.error(.ignoreBusinessHours, "'\(text)' is not true or false")) }
        }
        if let text = input[.hourly] {
            if let d = Double(text), d.isFinite, d >= 0 { options.hourly = d }
            else { issues.append(.error(.hourly, "'\(text)' is not a non-negative number")) }
        }
        if let text = input[.effectiveDate] {
            if Self.isISODate(text) { options.effectiveDate = text }
            else { issues.append(.error(.effectiveDate, "'\(text)' is not a date (YYYY-MM-DD or an ISO 8601 date-time)")) }
        }
        options.displayColor = input[.displayColor]
        options.bioLink = input[.bioLink]
        options.gender = input[.gender]

        contact.businessPhone = input[.businessPhone]
        contact.businessPhoneExt = input[.businessPhoneExt]
        contact.mobilePhone = input[.mobilePhone]
        contact.homePhone = input[.homePhone]
        contact.phoneType = input[.phoneType]
        contact.skypeUsername = input[.skypeUsername]
        contact.conferenceInfo = input[.conferenceInfo]
        address.addressLine1 = input[.addressLine1]
        address.addressLine2 = input[.addressLine2]
        address.city = input[.city]
        address.state = input[.state]
        address.postalCode = input[.postalCode]
        address.country = input[.country]
        for n in 1...10 {
            custom[n] = input[Self.customFields[n - 1]]
        }
        if let ids = input.serviceIds {
            var numbers: [Int] = []
            for text in ids {
                if let n = Int(text), n >= 0 { numbers.append(n) }
                else { issues.append(.error(.serviceIds, "'\(text)' is not a service id (a whole number)")) }
            }
            payload.serviceIds = numbers
        }
        if !options.isEmpty { payload.options = options }
        if !address.isEmpty { payload.address = address }
        if !contact.isEmpty { payload.contact = contact }
        if !custom.isEmpty { payload.customFields = custom }

        return ValidatedRow(
            record: record, payload: payload, id: id, email: email, emailKey: email.map(EmailAddress.key),
            provider: provider, calendarId: calendarId, calendarAvailability: availability,
            returnURLs: returnURLs, issues: issues, duplicateOf: nil)
    }

    static let customFields: [ResourceField] = (1...10).map { ResourceField(name: "customField\($0)")! }

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

    private func integer(_ field: ResourceField, _ input: ResourceInput, _ issues: inout [RowIssue]) -> Int? {
        guard let text = input[field] else { return nil }
        if let n = Int(text) { return n }
        issues.append(.error(field, "'\(text)' is not a whole number"))
        return nil
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
        if let cached = urlVerdicts[url] { return cached }
        let verdict = Self.returnURLProblem(url)
        if urlVerdicts.count < 1024 { urlVerdicts[url] = verdict }
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
