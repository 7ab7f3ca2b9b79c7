import JSONCodec

/// Writes the bulk calls' body with a `JSONWriter` (issue 17: `JSONEncoder` cost the import
/// client about an eighth of its CPU): the fields `encode(to:)` writes, in its order, `nil`s left
/// out, `serviceIds` as strings and the contact's `preferredPhoneType`, so the API receives the
/// same values. (`encode(to:)` stays for `Codable` users and as the tests' reference.)
extension ResourcePayload {
    /// `{"resources":[…]}` for `payloads`.
    /// - Throws: `JSONWriter.Failure` for an `hourly` that is infinite or NaN, as `JSONEncoder` refused it.
    package static func bulkBody(_ payloads: [ResourcePayload]) throws -> [UInt8] {
        var w = JSONWriter(capacity: 64 + payloads.count * 384)
        w.beginObject()
        w.key("resources")
        w.beginArray()
        for payload in payloads { try payload.write(to: &w) }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    /// `{"resources":[…]}` of `count` payloads, each written by `write(i, &writer)` (with
    /// ``write(to:id:locationId:)``) where it lies: no array of payload copies to hand over.
    package static func bulkBody(count: Int, _ write: (Int, inout JSONWriter) throws -> Void) throws -> [UInt8] {
        var w = JSONWriter(capacity: 64 + count * 384)
        w.beginObject()
        w.key("resources")
        w.beginArray()
        for i in 0..<count { try write(i, &w) }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    /// This payload as one JSON object.
    package func write(to w: inout JSONWriter) throws {
        try write(to: &w, id: id, locationId: locationId)
    }

    /// This payload as one JSON object, with `id` and `locationId` in place of its own (the same
    /// bytes as a copy with those two set would write).
    package func write(to w: inout JSONWriter, id: String?, locationId: String?) throws {
        w.beginObject()
        text("id", id, &w)
        text("locationId", locationId, &w)
        text("name", name, &w)
        text("email", email, &w)
        text("description", description, &w)
        text("timezoneId", timezoneId, &w)
        text("groupId", groupId, &w)
        if let address {
            w.key("address")
            w.beginObject()
            text("addressLine1", address.addressLine1, &w)
            text("addressLine2", address.addressLine2, &w)
            text("city", address.city, &w)
            text("state", address.state, &w)
            text("postalCode", address.postalCode, &w)
            text("country", address.country, &w)
            w.endObject()
        }
        if let contact {
            w.key("contact")
            w.beginObject()
            text("businessPhone", contact.businessPhone, &w)
            text("businessPhoneExt", contact.businessPhoneExt, &w)
            text("mobilePhone", contact.mobilePhone, &w)
            text("homePhone", contact.homePhone, &w)
            text("preferredPhoneType", contact.phoneType, &w)
            text("skypeUsername", contact.skypeUsername, &w)
            text("conferenceInfo", contact.conferenceInfo, &w)
            w.endObject()
        }
        if let customFields {
            w.key("customFields")
            w.beginObject()
            text("field1", customFields.field1, &w)
            text("field2", customFields.field2, &w)
            text("field3", customFields.field3, &w)
            text("field4", customFields.field4, &w)
            text("field5", customFields.field5, &w)
            text("field6", customFields.field6, &w)
            text("field7", customFields.field7, &w)
            text("field8", customFields.field8, &w)
            text("field9", customFields.field9, &w)
            text("field10", customFields.field10, &w)
            w.endObject()
        }
        if let serviceIds {
            w.key("serviceIds")
            w.beginArray()
            for id in serviceIds { w.string(String(id)) }
            w.endArray()
        }
        if let o = options {
            w.key("options")
            w.beginObject()
            text("googleCalendarId", o.googleCalendarId, &w)
            text("outlookCalendarId", o.outlookCalendarId, &w)
            number("calendarAvailability", o.calendarAvailability, &w)
            number("notificationType", o.notificationType, &w)
            number("bookingNotification", o.bookingNotification, &w)
            number("sortKey", o.sortKey, &w)
            if let flag = o.ignoreBusinessHours {
                w.key("ignoreBusinessHours")
                w.bool(flag)
            }
            text("displayColor", o.displayColor, &w)
            text("bioLink", o.bioLink, &w)
            text("gender", o.gender, &w)
            if let hourly = o.hourly {
                w.key("hourly")
                try w.double(hourly)
            }
            text("effectiveDate", o.effectiveDate, &w)
            w.endObject()
        }
        w.endObject()
    }

    private func text(_ key: StaticString, _ value: String?, _ w: inout JSONWriter) {
        guard let value else { return }
        w.key(key)
        w.string(value)
    }

    private func number(_ key: StaticString, _ value: Int?, _ w: inout JSONWriter) {
        guard let value else { return }
        w.key(key)
        w.int(value)
    }
}
