import BatchModel
import BatchRules

/// Turns the API's resource into the import's flat columns, so that an export edited in a
/// spreadsheet imports again unchanged: nested `address`, `contact` and `customFields` are
/// flattened exactly the way the input layer reads them.
public enum ResourceFlattener {
    /// The columns of an export: every import column, then the two read-only authorization columns.
    public static let exportColumns: [ResourceField] = ResourceField.importColumns + [.googleCalendarAuthorized, .outlookCalendarAuthorized]

    /// The value of every field the resource holds (absent and empty ones left out).
    public static func values(of r: Resource) -> [ResourceField: String] {
        var v: [ResourceField: String] = [:]
        func put(_ f: ResourceField, _ s: String?) {
            if let s, !s.isEmpty { v[f] = s }
        }
        func num(_ d: Double?) -> String? {
            guard let d else { return nil }
            return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        }
        put(.id, r.id)
        put(.name, r.name)
        put(.email, r.email)
        put(.description, r.description)
        put(.timezoneId, r.timezoneId)
        put(.locationId, r.locationId)
        put(.groupId, r.groupId)
        put(.googleCalendarId, r.googleCalendarId)
        put(.outlookCalendarId, r.outlookCalendarId)
        put(.calendarAvailability, r.calendarAvailability.map(String.init))
        put(.notificationType, r.notificationType.map(String.init))
        put(.bookingNotification, r.bookingNotification.map(String.init))
        put(.sortKey, r.sortKey.map(String.init))
        put(.ignoreBusinessHours, r.ignoreBusinessHours.map { $0 ? "true" : "false" })
        put(.displayColor, r.displayColor)
        put(.bioLink, r.bioLink)
        put(.gender, r.gender)
        put(.hourly, num(r.hourly))
        put(.effectiveDate, r.effectiveDate)
        if let c = r.contact {
            put(.businessPhone, c.businessPhone)
            put(.businessPhoneExt, c.businessPhoneExt)
            put(.mobilePhone, c.mobilePhone)
            put(.homePhone, c.homePhone)
            put(.phoneType, c.phoneType)
            put(.skypeUsername, c.skypeUsername)
            put(.conferenceInfo, c.conferenceInfo)
        }
        if let a = r.address {
            put(.addressLine1, a.addressLine1)
            put(.addressLine2, a.addressLine2)
            put(.city, a.city)
            put(.state, a.state)
            put(.postalCode, a.postalCode)
            put(.country, a.country)
        }
        if let cf = r.customFields {
            for n in 1...10 { put(ResourceValidator.customFields[n - 1], cf[n]) }
        }
        if let ids = r.serviceIds, !ids.isEmpty { v[.serviceIds] = ids.map(String.init).joined(separator: ";") }
        if r.googleCalendarId?.isEmpty == false { put(.googleCalendarAuthorized, (r.googleCalendarAuthorized ?? false) ? "true" : "false") }
        if r.outlookCalendarId?.isEmpty == false { put(.outlookCalendarAuthorized, (r.outlookCalendarAuthorized ?? false) ? "true" : "false") }
        return v
    }

    /// One CSV row in `exportColumns` order.
    public static func cells(of r: Resource) -> [String] {
        let v = values(of: r)
        return exportColumns.map { v[$0] ?? "" }
    }

    /// One flat JSON object (keys are the column names; absent fields left out; `serviceIds` an array).
    public static func jsonLine(of r: Resource) -> [UInt8] {
        let v = values(of: r)
        var out: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        for field in exportColumns {
            guard let value = v[field] else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONText.appendString(field.name, to: &out)
            out.append(UInt8(ascii: ":"))
            switch field {
            case .serviceIds:
                out.append(contentsOf: ("[" + value.split(separator: ";").joined(separator: ",") + "]").utf8)
            case .googleCalendarAuthorized, .outlookCalendarAuthorized, .ignoreBusinessHours,
                 .calendarAvailability, .notificationType, .bookingNotification, .sortKey, .hourly:
                out.append(contentsOf: value.utf8)
            default:
                JSONText.appendString(value, to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
