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
        try bulkBodyWriter(count: count, write).bytes
    }

    /// ``bulkBody(count:_:)`` left in its writer, to be handed over without a copy
    /// (`JSONWriter.takeBuffer()`).
    package static func bulkBodyWriter(count: Int, _ write: (Int, inout JSONWriter) throws -> Void) throws -> JSONWriter {
        var w = JSONWriter(capacity: 64 + count * 384)
        w.beginObject()
        w.key("resources")
        w.beginArray()
        for i in 0..<count { try write(i, &w) }
        w.endArray()
        w.endObject()
        return w
    }

    /// This payload as one JSON object.
    package func write(to w: inout JSONWriter) throws {
        try write(to: &w, id: id, locationId: locationId)
    }

    /// This payload as one JSON object, with `id` and `locationId` in place of its own (the same
    /// bytes as a copy with those two set would write).
    package func write(to w: inout JSONWriter, id: String?, locationId: String?) throws {
        try storage.write(to: &w, id: id, locationId: locationId)
    }
}

// The writers of the storage and of each nested object read the fields where they lie: reading
// them through the payload's getters (`if let o = options`) copied each nested object, every
// string in it retained and released, a dozen times a row (issue 17).
extension ResourcePayload.Storage {
    func write(to w: inout JSONWriter, id: String?, locationId: String?) throws {
        w.beginObject()
        w.text("id", id)
        w.text("locationId", locationId)
        w.text("name", name)
        w.text("email", email)
        w.text("description", description)
        w.text("timezoneId", timezoneId)
        w.text("groupId", groupId)
        address?.write(to: &w)
        contact?.write(to: &w)
        customFields?.write(to: &w)
        if let serviceIds {
            w.key("serviceIds")
            w.beginArray()
            for id in serviceIds { w.string(String(id)) }
            w.endArray()
        }
        try options?.write(to: &w)
        w.endObject()
    }
}

extension ResourceAddress {
    func write(to w: inout JSONWriter) {
        w.key("address")
        w.beginObject()
        w.text("addressLine1", addressLine1)
        w.text("addressLine2", addressLine2)
        w.text("city", city)
        w.text("state", state)
        w.text("postalCode", postalCode)
        w.text("country", country)
        w.endObject()
    }
}

extension ResourceContact {
    func write(to w: inout JSONWriter) {
        w.key("contact")
        w.beginObject()
        w.text("businessPhone", businessPhone)
        w.text("businessPhoneExt", businessPhoneExt)
        w.text("mobilePhone", mobilePhone)
        w.text("homePhone", homePhone)
        w.text("preferredPhoneType", phoneType)
        w.text("skypeUsername", skypeUsername)
        w.text("conferenceInfo", conferenceInfo)
        w.endObject()
    }
}

extension ResourceCustomFields {
    func write(to w: inout JSONWriter) {
        w.key("customFields")
        w.beginObject()
        w.text("field1", field1)
        w.text("field2", field2)
        w.text("field3", field3)
        w.text("field4", field4)
        w.text("field5", field5)
        w.text("field6", field6)
        w.text("field7", field7)
        w.text("field8", field8)
        w.text("field9", field9)
        w.text("field10", field10)
        w.endObject()
    }
}

extension ResourceOptions {
    /// - Throws: `JSONWriter.Failure` for an `hourly` that is infinite or NaN.
    func write(to w: inout JSONWriter) throws {
        w.key("options")
        w.beginObject()
        w.text("googleCalendarId", googleCalendarId)
        w.text("outlookCalendarId", outlookCalendarId)
        w.number("calendarAvailability", calendarAvailability)
        w.number("notificationType", notificationType)
        w.number("bookingNotification", bookingNotification)
        w.number("sortKey", sortKey)
        if let ignoreBusinessHours {
            w.key("ignoreBusinessHours")
            w.bool(ignoreBusinessHours)
        }
        w.text("displayColor", displayColor)
        w.text("bioLink", bioLink)
        w.text("gender", gender)
        if let hourly {
            w.key("hourly")
            try w.double(hourly)
        }
        w.text("effectiveDate", effectiveDate)
        w.endObject()
    }
}

extension JSONWriter {
    /// `"key":"value"`, or nothing for a `nil`.
    @inline(__always)
    mutating func text(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        string(value)
    }

    /// `"key":number`, or nothing for a `nil`.
    @inline(__always)
    mutating func number(_ key: StaticString, _ value: Int?) {
        guard let value else { return }
        self.key(key)
        int(value)
    }
}
