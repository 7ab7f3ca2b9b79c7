import Foundation

/// Applies a `ResourceInputModel` / `ResourceUpdateModel` body to a resource the way the API
/// does: only fields present and non-null change, unknown fields are ignored, and calendar
/// settings are read from `options{}` only (a top-level `googleCalendarId` is ignored on input,
/// as the real API ignores it). Field names are matched case-insensitively (as ASP.NET binds).
enum ResourceInput {
    /// Which call the body came with.
    enum Mode: Sendable {
        case create
        case update
        /// `/emulator/seed` and the data file: view-model-like objects, calendar and option
        /// fields accepted at the top level too.
        case seed
    }

    /// What the body did that the caller must check against the query string.
    struct Applied: Sendable {
        /// The body set a non-empty Google calendar id.
        var setsGoogleCalendar = false
        /// The body set a non-empty Outlook calendar id.
        var setsOutlookCalendar = false
    }

    static let optionKeys = ["googleCalendarId", "outlookCalendarId", "calendarAvailability", "notificationType",
                             "bookingNotification", "sortKey", "ignoreBusinessHours", "displayColor", "bioLink",
                             "gender", "hourly", "effectiveDate"]

    /// Applies `body` to `resource`, adding every problem to `errors` (field names in the API's
    /// PascalCase, e.g. `Email`, `Options.CalendarAvailability`).
    static func apply(_ body: JSONValue, to resource: inout EmulatedResource, mode: Mode, errors: inout FieldErrors) -> Applied {
        var applied = Applied()
        guard case .object(let raw) = body else {
            errors.add(general: "a resource must be a JSON object")
            return applied
        }
        let fields = lowered(raw)

        if let name = string(fields["name"], "Name", &errors) {
            if name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && mode != .seed {
                errors.add("Name", "The Name field is required.")
            } else {
                resource.name = name
            }
        }
        if let email = string(fields["email"], "Email", &errors) {
            let trimmed = email.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty && mode == .seed {
                resource.email = ""
            } else if trimmed.isEmpty {
                errors.add("Email", "The Email field is required.")
            } else if !isValidEmail(trimmed) {
                errors.add("Email", "The Email field is not a valid e-mail address.")
            } else {
                resource.email = trimmed
            }
        }
        if let value = string(fields["description"], "Description", &errors) { resource.description = value }
        if let value = string(fields["timezoneid"], "TimezoneId", &errors) { resource.timezoneId = value }
        if let value = fields["groupid"], !value.isNull {
            switch value {
            case .string(let s) where s.trimmingCharacters(in: .whitespaces).isEmpty:
                resource.groupId = nil
            default:
                if let group = int(value, "GroupId", &errors) { resource.groupId = group }
            }
        }
        if mode != .update, let location = string(fields["locationid"], "LocationId", &errors), !location.isEmpty {
            resource.locationId = location
        }
        if mode == .seed {
            if let value = string(fields["imageurl"], "ImageUrl", &errors) { resource.imageUrl = value }
            if let value = string(fields["skypename"], "SkypeName", &errors) { resource.skypeName = value }
        }

        section(fields["address"], "Address", keys: EmulatedResource.addressKeys, allowNumbers: false, into: &resource.address, &errors)
        section(contactInput(fields["contact"], mode: mode, &errors), "Contact", keys: EmulatedResource.contactKeys,
                allowNumbers: true, into: &resource.contact, &errors)
        section(fields["customfields"], "CustomFields", keys: EmulatedResource.customFieldKeys, allowNumbers: true, into: &resource.customFields, &errors)
        availability(fields["availability"], into: &resource.availability, &errors)

        if let value = fields["serviceids"], !value.isNull {
            if case .array(let items) = value {
                var ids: [Int] = []
                for (i, item) in items.enumerated() {
                    // The input model's service ids are strings ("84325"); the data file's may be numbers.
                    if mode != .seed, case .number = item {
                        errors.add("ServiceIds[\(i)]", "The value \(describe(item)) is not valid for ServiceIds: a service id is a string.")
                        continue
                    }
                    if let id = int(item, "ServiceIds[\(i)]", &errors) { ids.append(id) }
                }
                resource.serviceIds = ids
            } else {
                errors.add("ServiceIds", "The ServiceIds field must be an array of strings.")
            }
        } else if mode == .seed, case .array(let services)? = fields["services"] {
            resource.serviceIds = services.compactMap { service in
                guard let id = service.objectValue.flatMap({ lowered($0)["serviceid"] }) else { return nil }
                var ignored = FieldErrors()
                return int(id, "", &ignored)
            }
        }

        var options: [String: JSONValue] = [:]
        if let value = fields["options"], !value.isNull {
            if case .object(let object) = value {
                options = lowered(object)
            } else {
                errors.add("Options", "The Options field must be an object.")
            }
        }
        if mode == .seed {
            for key in optionKeys where options[key.lowercased()] == nil {
                if let value = fields[key.lowercased()] { options[key.lowercased()] = value }
            }
        }
        applyOptions(options, to: &resource, mode: mode, applied: &applied, &errors)
        return applied
    }

    private static func applyOptions(_ options: [String: JSONValue], to resource: inout EmulatedResource, mode: Mode,
                                     applied: inout Applied, _ errors: inout FieldErrors) {
        if let value = string(options["googlecalendarid"], "Options.GoogleCalendarId", &errors) {
            let calendar = value.trimmingCharacters(in: .whitespaces)
            if calendar.isEmpty {
                resource.googleCalendarId = nil
                resource.googleCalendarAuthorized = false
            } else if !isValidEmail(calendar) {
                errors.add("Options.GoogleCalendarId", "The GoogleCalendarId field is not a valid e-mail address.")
            } else {
                if resource.googleCalendarId?.lowercased() != calendar.lowercased() { resource.googleCalendarAuthorized = false }
                resource.googleCalendarId = calendar
                applied.setsGoogleCalendar = true
            }
        }
        if let value = string(options["outlookcalendarid"], "Options.OutlookCalendarId", &errors) {
            let calendar = value.trimmingCharacters(in: .whitespaces)
            if calendar.isEmpty {
                resource.outlookCalendarId = nil
                resource.outlookCalendarAuthorized = false
            } else if !isValidEmail(calendar) {
                errors.add("Options.OutlookCalendarId", "The OutlookCalendarId field is not a valid e-mail address.")
            } else {
                if resource.outlookCalendarId?.lowercased() != calendar.lowercased() { resource.outlookCalendarAuthorized = false }
                resource.outlookCalendarId = calendar
                applied.setsOutlookCalendar = true
            }
        }
        if let value = int(options["calendaravailability"], "Options.CalendarAvailability", &errors) {
            if (0...2).contains(value) {
                resource.calendarAvailability = value
            } else {
                errors.add("Options.CalendarAvailability", "The field CalendarAvailability must be between 0 and 2.")
            }
        }
        if let value = int(options["notificationtype"], "Options.NotificationType", &errors) { resource.notificationType = value }
        if let value = int(options["bookingnotification"], "Options.BookingNotification", &errors) { resource.bookingNotification = value }
        if let value = int(options["sortkey"], "Options.SortKey", &errors) { resource.sortKey = value }
        if let value = bool(options["ignorebusinesshours"], "Options.IgnoreBusinessHours", &errors) { resource.ignoreBusinessHours = value }
        if let value = string(options["displaycolor"], "Options.DisplayColor", &errors) { resource.displayColor = value }
        if let value = string(options["biolink"], "Options.BioLink", &errors) { resource.bioLink = value }
        if let value = string(options["gender"], "Options.Gender", &errors) { resource.gender = value }
        if let value = double(options["hourly"], "Options.Hourly", &errors) { resource.hourly = value }
        if let value = string(options["effectivedate"], "Options.EffectiveDate", &errors) {
            resource.effectiveDate = value.isEmpty ? nil : value
        }
    }

    /// The body's `contact{}` with the input model's `preferredPhoneType` stored as `phoneType`
    /// (the answer's name). On create and update a `phoneType` is not part of the input model
    /// and is refused, naming the field; the data file and `/emulator/seed` may use either.
    private static func contactInput(_ value: JSONValue?, mode: Mode, _ errors: inout FieldErrors) -> JSONValue? {
        guard case .object(let object)? = value else { return value }
        var contact: [String: JSONValue] = [:]
        for (key, item) in object {
            switch key.lowercased() {
            case "preferredphonetype":
                contact["phoneType"] = item
            case "phonetype" where mode != .seed:
                if !item.isNull {
                    errors.add("Contact.PhoneType", "PhoneType is not an input field: send Contact.PreferredPhoneType.")
                }
            case "phonetype":
                if contact["phoneType"] == nil { contact["phoneType"] = item }
            default:
                contact[key] = item
            }
        }
        return .object(contact)
    }

    /// Loose e-mail check in the spirit of .NET's `EmailAddressAttribute`, slightly stricter:
    /// one `@`, non-empty local part, a dotted domain, no spaces.
    static func isValidEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64 else { return false }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else { return false }
        return !text.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || "<>(),;:\"[]\\".unicodeScalars.contains($0) }
    }

    // MARK: - typed reads (nil when absent or null; an error when of the wrong type)

    static func lowered(_ object: [String: JSONValue]) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for (key, value) in object where result[key.lowercased()] == nil { result[key.lowercased()] = value }
        return result
    }

    private static func describe(_ value: JSONValue) -> String {
        String(decoding: value.serialized(), as: UTF8.self)
    }

    private static func string(_ value: JSONValue?, _ field: String, _ errors: inout FieldErrors) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case .number(let d)?: return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b)?: return b ? "true" : "false"
        case let other?:
            errors.add(field, "The value \(describe(other)) is not valid for \(field.split(separator: ".").last ?? "").")
            return nil
        }
    }

    static func int(_ value: JSONValue?, _ field: String, _ errors: inout FieldErrors) -> Int? {
        switch value {
        case nil, .null?: return nil
        case .number(let d)? where d == d.rounded() && abs(d) <= 2_147_483_647: return Int(d)
        case .string(let s)?:
            if let i = Int(s.trimmingCharacters(in: .whitespaces)) { return i }
            errors.add(field, "The value '\(s)' is not valid for \(field.split(separator: ".").last ?? "").")
            return nil
        case let other?:
            errors.add(field, "The value \(describe(other)) is not valid for \(field.split(separator: ".").last ?? "").")
            return nil
        }
    }

    private static func double(_ value: JSONValue?, _ field: String, _ errors: inout FieldErrors) -> Double? {
        switch value {
        case nil, .null?: return nil
        case .number(let d)?: return d
        case .string(let s)?:
            if let d = Double(s.trimmingCharacters(in: .whitespaces)), d.isFinite { return d }
            errors.add(field, "The value '\(s)' is not valid for \(field.split(separator: ".").last ?? "").")
            return nil
        case let other?:
            errors.add(field, "The value \(describe(other)) is not valid for \(field.split(separator: ".").last ?? "").")
            return nil
        }
    }

    private static func bool(_ value: JSONValue?, _ field: String, _ errors: inout FieldErrors) -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case .string(let s)? where ["true", "false"].contains(s.lowercased()): return s.lowercased() == "true"
        case let other?:
            errors.add(field, "The value \(describe(other)) is not valid for \(field.split(separator: ".").last ?? "").")
            return nil
        }
    }

    private static func section(_ value: JSONValue?, _ name: String, keys: [String], allowNumbers: Bool,
                                into target: inout [String: JSONValue], _ errors: inout FieldErrors) {
        guard let value, !value.isNull else { return }
        guard case .object(let object) = value else {
            errors.add(name, "The \(name) field must be an object.")
            return
        }
        let fields = lowered(object)
        for key in keys {
            guard let item = fields[key.lowercased()], !item.isNull else { continue }
            let field = "\(name).\(key.prefix(1).uppercased())\(key.dropFirst())"
            switch item {
            case .string: target[key] = item
            case .number where allowNumbers: target[key] = item
            default:
                if let s = string(item, field, &errors) { target[key] = .string(s) }
            }
        }
    }

    private static func availability(_ value: JSONValue?, into target: inout [String: JSONValue], _ errors: inout FieldErrors) {
        guard let value, !value.isNull else { return }
        guard case .object(let object) = value else {
            errors.add("Availability", "The Availability field must be an object.")
            return
        }
        let days = lowered(object)
        for day in EmulatedResource.dayKeys {
            guard let item = days[day], !item.isNull else { continue }
            let field = "Availability.\(day.prefix(1).uppercased())\(day.dropFirst())"
            guard case .object(let hours) = item else {
                errors.add(field, "The \(field) field must be an object with startTime and endTime.")
                continue
            }
            var merged = target[day]?.objectValue ?? [:]
            let fields = lowered(hours)
            for (key, label) in [("starttime", "startTime"), ("endtime", "endTime")] {
                guard let time = int(fields[key], "\(field).\(label.prefix(1).uppercased())\(label.dropFirst())", &errors) else { continue }
                if time < 0 || time > 2400 || time % 100 >= 60 {
                    errors.add("\(field).\(label.prefix(1).uppercased())\(label.dropFirst())", "The value \(time) is not a time of day (hhmm).")
                } else {
                    merged[label] = .int(time)
                }
            }
            target[day] = .object(merged)
        }
    }
}
