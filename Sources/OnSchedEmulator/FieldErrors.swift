/// Validation problems collected for one answer: field errors (`{"Name": ["…"]}`, the ASP.NET
/// shape OnSched's clients accept) and general ones (`{"error": "…"}`).
struct FieldErrors: Error, Sendable {
    private(set) var fields: [String: [String]] = [:]
    private(set) var fieldOrder: [String] = []
    private(set) var general: [String] = []

    var isEmpty: Bool { fields.isEmpty && general.isEmpty }

    mutating func add(_ field: String, _ message: String) {
        if fields[field] == nil { fieldOrder.append(field) }
        fields[field, default: []].append(message)
    }

    mutating func add(general message: String) {
        general.append(message)
    }

    /// Adds everything of `other`, field names and messages prefixed (e.g. `resources[3].`).
    mutating func merge(_ other: FieldErrors, prefix: String) {
        for field in other.fieldOrder {
            for message in other.fields[field] ?? [] { add(prefix + "." + field, message) }
        }
        for message in other.general { add(general: prefix + ": " + message) }
    }

    /// The 400 body: the field map when there are field errors (general messages join it as the
    /// list `General`, so a client reading the map sees every problem), else `{"error": "…"}` with the messages joined by `; `.
    var body: JSONValue {
        if fields.isEmpty {
            return .object(["error": .string(general.joined(separator: "; "))])
        }
        var object: [String: JSONValue] = [:]
        for (field, messages) in fields { object[field] = .array(messages.map { .string($0) }) }
        if !general.isEmpty { object["General"] = .array(general.map { .string($0) }) }
        return .object(object)
    }
}

extension FieldErrors {
    /// Whether `field` already has a message.
    func has(_ field: String) -> Bool { fields[field] != nil }
}
