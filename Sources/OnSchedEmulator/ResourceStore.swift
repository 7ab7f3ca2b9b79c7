import Foundation

/// The emulated tenant's resources and the all-or-nothing operations on them. A value: the API
/// keeps it in a `Mutex` and works on it under the lock.
struct ResourceStore: Sendable {
    /// Ids start where OnSched's example ids are, and only grow.
    static let firstId = 38335
    /// The company's primary location: where resources go without `locationId`, and what the
    /// list call filters on by default.
    static let primaryLocationId = "1"

    /// The return URLs of one call's query string (shared by every resource of a bulk call).
    struct ReturnURLs: Sendable {
        var google: String?
        var outlook: String?
    }

    /// Filters and page of `GET /setup/v1/resources`.
    struct ListQuery: Sendable {
        var locationId = ResourceStore.primaryLocationId
        var email: String?
        var name: String?
        var groupId: Int?
        var deleted = false
        var offset = 0
        var limit = 20
    }

    /// Every resource, sorted by id.
    private(set) var resources: [EmulatedResource] = []
    private var positions: [Int: Int] = [:]
    private var emailIndex: [String: Set<Int>] = [:]
    /// Each resource's data-file JSON, kept until the resource changes: the file is rewritten
    /// after every change, and re-serializing every unchanged resource each time made large
    /// imports quadratic in CPU.
    private var persistedCache: [Int: [UInt8]] = [:]
    private(set) var nextId = ResourceStore.firstId

    init() {}

    func resource(_ id: Int) -> EmulatedResource? {
        positions[id].map { resources[$0] }
    }

    /// Inserts or replaces a resource, keeping id order and the e-mail index.
    mutating func put(_ resource: EmulatedResource) {
        persistedCache[resource.id] = nil
        if let position = positions[resource.id] {
            let old = resources[position]
            if old.email.lowercased() != resource.email.lowercased() {
                emailIndex[old.email.lowercased()]?.remove(old.id)
                emailIndex[resource.email.lowercased(), default: []].insert(resource.id)
            }
            resources[position] = resource
        } else {
            emailIndex[resource.email.lowercased(), default: []].insert(resource.id)
            if let last = resources.last, last.id > resource.id {
                let index = resources.firstIndex(where: { $0.id > resource.id }) ?? resources.count
                resources.insert(resource, at: index)
                for i in index..<resources.count { positions[resources[i].id] = i }
            } else {
                positions[resource.id] = resources.count
                resources.append(resource)
            }
        }
        nextId = max(nextId, resource.id + 1)
    }

    /// One page of the list call, in id order, and the number of matches.
    func list(_ query: ListQuery) -> (page: [EmulatedResource], total: Int) {
        let name = query.name?.lowercased()
        func matches(_ r: EmulatedResource) -> Bool {
            r.deletedStatus == query.deleted
                && r.locationId == query.locationId
                && (query.groupId == nil || r.groupId == query.groupId)
                && (name == nil || r.name.lowercased().contains(name!))
        }
        var page: [EmulatedResource] = []
        var total = 0
        func consider(_ r: EmulatedResource) {
            guard matches(r) else { return }
            if total >= query.offset && page.count < query.limit { page.append(r) }
            total += 1
        }
        if let email = query.email {
            for id in (emailIndex[email.lowercased()] ?? []).sorted() {
                if let r = resource(id) { consider(r) }
            }
        } else {
            for r in resources { consider(r) }
        }
        return (page, total)
    }

    /// Creates every body or none: on any problem, the errors (bulk ones prefixed `resources[i]`).
    mutating func create(_ bodies: [JSONValue], returnURLs: ReturnURLs, bulk: Bool) -> Result<[EmulatedResource], FieldErrors> {
        var all = FieldErrors()
        var created: [EmulatedResource] = []
        for (index, body) in bodies.enumerated() {
            var errors = FieldErrors()
            var resource = EmulatedResource(id: nextId + index, locationId: Self.primaryLocationId)
            let applied = ResourceInput.apply(body, to: &resource, mode: .create, errors: &errors)
            Self.finish(&resource, applied: applied, isCreate: true, returnURLs: returnURLs, errors: &errors)
            if bulk { all.merge(errors, prefix: "resources[\(index)]") } else { all = errors }
            created.append(resource)
        }
        guard all.isEmpty else { return .failure(all) }
        for resource in created { put(resource) }
        return .success(created)
    }

    /// Updates every body or none. `pathId` is the id of a single update; bulk bodies carry `id`.
    mutating func update(_ bodies: [JSONValue], pathId: Int?, returnURLs: ReturnURLs) -> Result<[EmulatedResource], FieldErrors> {
        var all = FieldErrors()
        var staged: [Int: EmulatedResource] = [:]
        var updated: [EmulatedResource] = []
        for (index, body) in bodies.enumerated() {
            var errors = FieldErrors()
            let id: Int?
            if let pathId {
                id = pathId
            } else if case .object(let object) = body, let raw = ResourceInput.lowered(object)["id"], !raw.isNull {
                id = ResourceInput.int(raw, "Id", &errors)
            } else {
                id = nil
                errors.add(general: "id is required to update a resource")
            }
            if let id {
                if var resource = staged[id] ?? self.resource(id) {
                    let applied = ResourceInput.apply(body, to: &resource, mode: .update, errors: &errors)
                    Self.finish(&resource, applied: applied, isCreate: false, returnURLs: returnURLs, errors: &errors)
                    staged[id] = resource
                    updated.append(resource)
                } else {
                    errors.add(general: "Resource \(id) not found")
                }
            }
            if pathId == nil {
                // Both bulk calls want name and e-mail on every resource (onsched-api.md, newer text).
                let fields = body.objectValue.map(ResourceInput.lowered) ?? [:]
                for (key, field) in [("name", "Name"), ("email", "Email")] {
                    if case .string(let text)? = fields[key], !text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                    if !errors.has(field) { errors.add(field, "The \(field) field is required.") }
                }
            }
            if pathId == nil { all.merge(errors, prefix: "resources[\(index)]") } else { all = errors }
        }
        guard all.isEmpty else { return .failure(all) }
        for resource in staged.values { put(resource) }
        return .success(updated.map { staged[$0.id] ?? $0 })
    }

    /// Takes a resource out of booking (`DELETE /{id}`): `deletedStatus` true, recoverable.
    /// Deleting a deleted resource changes nothing. `nil` when there is no such resource.
    mutating func softDelete(_ id: Int, at time: String) -> EmulatedResource? {
        guard var resource = resource(id) else { return nil }
        if !resource.deletedStatus {
            resource.deletedStatus = true
            resource.deletedTime = time
            put(resource)
        }
        return resource
    }

    /// Restores a deleted resource (`PUT /{id}/recover`); a live one is answered as it is.
    mutating func recover(_ id: Int) -> EmulatedResource? {
        guard var resource = resource(id) else { return nil }
        if resource.deletedStatus {
            resource.deletedStatus = false
            resource.deletedTime = nil
            put(resource)
        }
        return resource
    }

    /// Loads view-model-like objects as they are (`/emulator/seed`, the data file): ids,
    /// `deletedStatus` and `*Authorized` are taken from the objects; nothing is required.
    mutating func seed(_ bodies: [JSONValue]) -> Result<[EmulatedResource], FieldErrors> {
        var all = FieldErrors()
        var seeded: [EmulatedResource] = []
        var next = nextId
        for (index, body) in bodies.enumerated() {
            var errors = FieldErrors()
            let fields = body.objectValue.map(ResourceInput.lowered) ?? [:]
            var id = next
            if let raw = fields["id"], !raw.isNull, let given = ResourceInput.int(raw, "Id", &errors) {
                if given > 0 { id = given } else { errors.add("Id", "The Id must be a positive integer.") }
            }
            var resource = EmulatedResource(id: id, locationId: Self.primaryLocationId)
            _ = ResourceInput.apply(body, to: &resource, mode: .seed, errors: &errors)
            if case .bool(let b)? = fields["deletedstatus"] { resource.deletedStatus = b }
            if case .string(let s)? = fields["deletedtime"] { resource.deletedTime = s }
            if case .bool(let b)? = fields["googlecalendarauthorized"] { resource.googleCalendarAuthorized = b }
            if case .bool(let b)? = fields["outlookcalendarauthorized"] { resource.outlookCalendarAuthorized = b }
            if case .string(let s)? = fields["googleauthreturnurl"] { resource.googleAuthReturnUrl = s }
            if case .string(let s)? = fields["outlookauthreturnurl"] { resource.outlookAuthReturnUrl = s }
            all.merge(errors, prefix: "resources[\(index)]")
            seeded.append(resource)
            next = max(next, id + 1)
        }
        guard all.isEmpty else { return .failure(all) }
        for resource in seeded { put(resource) }
        return .success(seeded)
    }

    /// Checks what needs the whole resource or the query string, after a body was applied.
    private static func finish(_ resource: inout EmulatedResource, applied: ResourceInput.Applied, isCreate: Bool,
                               returnURLs: ReturnURLs, errors: inout FieldErrors) {
        if isCreate {
            if resource.name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && !errors.has("Name") {
                errors.add("Name", "The Name field is required.")
            }
            if resource.email.isEmpty && !errors.has("Email") {
                errors.add("Email", "The Email field is required.")
            }
        }
        if resource.googleCalendarId != nil && resource.outlookCalendarId != nil {
            errors.add(general: "googleCalendarId and outlookCalendarId cannot both be set")
        }
        if applied.setsGoogleCalendar {
            if let url = validReturnURL(returnURLs.google, "googleAuthReturnUrl", "googleCalendarId", &errors) {
                resource.googleAuthReturnUrl = url
            }
        }
        if applied.setsOutlookCalendar {
            if let url = validReturnURL(returnURLs.outlook, "outlookAuthReturnUrl", "outlookCalendarId", &errors) {
                resource.outlookAuthReturnUrl = url
            }
        }
    }

    private static func validReturnURL(_ url: String?, _ parameter: String, _ field: String, _ errors: inout FieldErrors) -> String? {
        guard let url, !url.isEmpty else {
            errors.add(general: "\(parameter) query parameter is required when \(field) is set")
            return nil
        }
        let lower = url.lowercased()
        guard (lower.hasPrefix("https://") || lower.hasPrefix("http://")), url.count > 8,
              !url.unicodeScalars.contains(where: { $0.properties.isWhitespace }) else {
            errors.add(general: "\(parameter) must be an absolute http(s) URL")
            return nil
        }
        return url
    }

    // MARK: - the data file's shape

    /// `{"nextId": n, "resources": [...], "version": 1}` (keys sorted, like every JSON written here).
    var persisted: JSONValue {
        .object([
            "version": .int(1),
            "nextId": .int(nextId),
            "resources": .array(resources.map(\.persisted)),
        ])
    }

    /// ``persisted`` serialized, reusing the cached bytes of resources that did not change.
    mutating func persistedBytes() -> [UInt8] {
        var out = Array("{\"nextId\":\(nextId),\"resources\":[".utf8)
        for (index, resource) in resources.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if let cached = persistedCache[resource.id] {
                out.append(contentsOf: cached)
            } else {
                let bytes = resource.persisted.serialized()
                persistedCache[resource.id] = bytes
                out.append(contentsOf: bytes)
            }
        }
        out.append(contentsOf: "],\"version\":1}".utf8)
        return out
    }

    /// Reads what ``persisted`` wrote; `nil` with a reason when it is not that shape.
    static func load(_ document: JSONValue) -> Result<ResourceStore, FieldErrors> {
        guard case .object(let object) = document, case .array(let items)? = object["resources"] else {
            var errors = FieldErrors()
            errors.add(general: "expected an object with a \"resources\" array")
            return .failure(errors)
        }
        var store = ResourceStore()
        switch store.seed(items) {
        case .failure(let errors): return .failure(errors)
        case .success: break
        }
        var ignored = FieldErrors()
        if let next = ResourceInput.int(object["nextId"], "nextId", &ignored) { store.nextId = max(store.nextId, next) }
        return .success(store)
    }
}
