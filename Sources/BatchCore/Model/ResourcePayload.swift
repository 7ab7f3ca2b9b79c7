/// The body of one resource in a create or update call (`ResourceInputModel` / `ResourceUpdateModel`).
///
/// Every property is optional and a `nil` is left out of the JSON, so an update never erases a
/// field the input did not give. Calendar settings travel inside `options`, as the API requires.
///
/// The JSON follows the API's input model (onsched-api.md): `serviceIds` is an array of
/// **strings** (`["84325"]`), and the contact's phone type is `contact.preferredPhoneType` (the
/// answer calls it `phoneType`). Decoding accepts either spelling and numbers or strings, so a
/// payload written by an older version still reads.
public struct ResourcePayload: Sendable, Equatable, Codable {
    /// The fields, shared between copies until one of them is changed (copy on write).
    ///
    /// Issue 17: a payload is some 40 optional strings and numbers, ~650 bytes held inline; each
    /// copy on its way from validation to the request body (a dozen a row, most of them the
    /// optimizer's, moving it in and out of rows, enums and arrays) retained and released every
    /// string and moved every byte. Shared storage makes a copy one retain.
    @usableFromInline
    final class Storage: @unchecked Sendable {
        // Sendable: a `Storage` is only ever changed through a payload that holds the one
        // reference to it (`isKnownUniquelyReferenced` in every setter, a fresh copy otherwise),
        // so no storage another payload, or another thread, can see is ever written. For the
        // same reason the fields go without the runtime's exclusivity checks (each read and write
        // of a class's `var` otherwise calls into it: ~1,800 instructions a row): a field is only
        // written by a setter whose access ends before any other begins.
        @usableFromInline @exclusivity(unchecked) var id: String?
        @usableFromInline @exclusivity(unchecked) var locationId: String?
        @usableFromInline @exclusivity(unchecked) var name: String?
        @usableFromInline @exclusivity(unchecked) var email: String?
        @usableFromInline @exclusivity(unchecked) var description: String?
        @usableFromInline @exclusivity(unchecked) var timezoneId: String?
        @usableFromInline @exclusivity(unchecked) var groupId: String?
        @usableFromInline @exclusivity(unchecked) var address: ResourceAddress?
        @usableFromInline @exclusivity(unchecked) var contact: ResourceContact?
        @usableFromInline @exclusivity(unchecked) var customFields: ResourceCustomFields?
        @usableFromInline @exclusivity(unchecked) var serviceIds: [Int]?
        @usableFromInline @exclusivity(unchecked) var options: ResourceOptions?

        @usableFromInline
        init(
            id: String?, locationId: String?, name: String?, email: String?, description: String?, timezoneId: String?,
            groupId: String?, address: ResourceAddress?, contact: ResourceContact?, customFields: ResourceCustomFields?,
            serviceIds: [Int]?, options: ResourceOptions?
        ) {
            self.id = id
            self.locationId = locationId
            self.name = name
            self.email = email
            self.description = description
            self.timezoneId = timezoneId
            self.groupId = groupId
            self.address = address
            self.contact = contact
            self.customFields = customFields
            self.serviceIds = serviceIds
            self.options = options
        }

        @usableFromInline
        func copy() -> Storage {
            Storage(id: id, locationId: locationId, name: name, email: email, description: description,
                    timezoneId: timezoneId, groupId: groupId, address: address, contact: contact,
                    customFields: customFields, serviceIds: serviceIds, options: options)
        }
    }

    @usableFromInline
    var storage: Storage

    /// The storage, copied first when another payload shares it.
    @inlinable
    var uniqueStorage: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            return storage
        }
    }

    /// Set for updates only (the bulk update carries the id in the body).
    @inlinable
    public var id: String? {
        get { storage.id }
        set { uniqueStorage.id = newValue }
    }
    /// Create only; the API ignores it on update.
    @inlinable
    public var locationId: String? {
        get { storage.locationId }
        set { uniqueStorage.locationId = newValue }
    }
    @inlinable
    public var name: String? {
        get { storage.name }
        set { uniqueStorage.name = newValue }
    }
    @inlinable
    public var email: String? {
        get { storage.email }
        set { uniqueStorage.email = newValue }
    }
    @inlinable
    public var description: String? {
        get { storage.description }
        set { uniqueStorage.description = newValue }
    }
    @inlinable
    public var timezoneId: String? {
        get { storage.timezoneId }
        set { uniqueStorage.timezoneId = newValue }
    }
    /// A string on input, although the API returns an int.
    @inlinable
    public var groupId: String? {
        get { storage.groupId }
        set { uniqueStorage.groupId = newValue }
    }
    @inlinable
    public var address: ResourceAddress? {
        get { storage.address }
        set { uniqueStorage.address = newValue }
    }
    @inlinable
    public var contact: ResourceContact? {
        get { storage.contact }
        set { uniqueStorage.contact = newValue }
    }
    @inlinable
    public var customFields: ResourceCustomFields? {
        get { storage.customFields }
        set { uniqueStorage.customFields = newValue }
    }
    /// An empty list means every service, so `nil` (not given) and `[]` differ.
    @inlinable
    public var serviceIds: [Int]? {
        get { storage.serviceIds }
        set { uniqueStorage.serviceIds = newValue }
    }
    @inlinable
    public var options: ResourceOptions? {
        get { storage.options }
        set { uniqueStorage.options = newValue }
    }

    public init(
        id: String? = nil, locationId: String? = nil, name: String? = nil, email: String? = nil,
        description: String? = nil, timezoneId: String? = nil, groupId: String? = nil,
        address: ResourceAddress? = nil, contact: ResourceContact? = nil,
        customFields: ResourceCustomFields? = nil, serviceIds: [Int]? = nil, options: ResourceOptions? = nil
    ) {
        storage = Storage(id: id, locationId: locationId, name: name, email: email, description: description,
                          timezoneId: timezoneId, groupId: groupId, address: address, contact: contact,
                          customFields: customFields, serviceIds: serviceIds, options: options)
    }

    /// Field by field (two payloads sharing storage are equal at once).
    public static func == (a: ResourcePayload, b: ResourcePayload) -> Bool {
        if a.storage === b.storage { return true }
        return a.id == b.id
            && a.locationId == b.locationId
            && a.name == b.name
            && a.email == b.email
            && a.description == b.description
            && a.timezoneId == b.timezoneId
            && a.groupId == b.groupId
            && a.address == b.address
            && a.contact == b.contact
            && a.customFields == b.customFields
            && a.serviceIds == b.serviceIds
            && a.options == b.options
    }

    /// This payload with `name` and `email` filled from the tenant's resource where the payload
    /// has none: both bulk calls want name and e-mail on every resource (onsched-api.md), and a
    /// row that gives only an id carries neither. Values the payload gives are kept.
    public func withIdentity(of resource: Resource) -> ResourcePayload {
        withIdentity(name: resource.name, email: resource.email)
    }

    /// This payload with `name` and `email` filled where it has none (blank counts as none).
    public func withIdentity(name: String?, email: String?) -> ResourcePayload {
        var p = self
        if p.name?.isEmpty ?? true, let name, !name.isEmpty { p.name = name }
        if p.email?.isEmpty ?? true, let email, !email.isEmpty { p.email = email }
        return p
    }

    /// Whether the payload carries both a name and an e-mail, as every bulk item must.
    public var hasIdentity: Bool {
        !(name?.isEmpty ?? true) && !(email?.isEmpty ?? true)
    }

    enum CodingKeys: String, CodingKey {
        case id, locationId, name, email, description, timezoneId, groupId, address, contact, customFields,
            serviceIds, options
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        id = try c.decodeIfPresent(String.self, forKey: .id)
        locationId = try c.decodeIfPresent(String.self, forKey: .locationId)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        email = try c.decodeIfPresent(String.self, forKey: .email)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        timezoneId = try c.decodeIfPresent(String.self, forKey: .timezoneId)
        groupId = (try c.decodeIfPresent(LenientString.self, forKey: .groupId))?.value
        address = try c.decodeIfPresent(ResourceAddress.self, forKey: .address)
        contact = try c.decodeIfPresent(ResourceContact.self, forKey: .contact)
        customFields = try c.decodeIfPresent(ResourceCustomFields.self, forKey: .customFields)
        if let ids = try c.decodeIfPresent([LenientString].self, forKey: .serviceIds) {
            serviceIds = ids.compactMap { $0.value.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        }
        options = try c.decodeIfPresent(ResourceOptions.self, forKey: .options)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encodeIfPresent(locationId, forKey: .locationId)
        try c.encodeIfPresent(name, forKey: .name)
        try c.encodeIfPresent(email, forKey: .email)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(timezoneId, forKey: .timezoneId)
        try c.encodeIfPresent(groupId, forKey: .groupId)
        try c.encodeIfPresent(address, forKey: .address)
        try c.encodeIfPresent(contact.map(ContactInput.init), forKey: .contact)
        try c.encodeIfPresent(customFields, forKey: .customFields)
        try c.encodeIfPresent(serviceIds?.map(String.init), forKey: .serviceIds)
        try c.encodeIfPresent(options, forKey: .options)
    }
}

/// The `contact{}` object as the input model spells it: `preferredPhoneType`, not `phoneType`.
private struct ContactInput: Encodable {
    var contact: ResourceContact

    enum CodingKeys: String, CodingKey {
        case businessPhone, businessPhoneExt, mobilePhone, homePhone, preferredPhoneType, skypeUsername, conferenceInfo
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(contact.businessPhone, forKey: .businessPhone)
        try c.encodeIfPresent(contact.businessPhoneExt, forKey: .businessPhoneExt)
        try c.encodeIfPresent(contact.mobilePhone, forKey: .mobilePhone)
        try c.encodeIfPresent(contact.homePhone, forKey: .homePhone)
        try c.encodeIfPresent(contact.phoneType, forKey: .preferredPhoneType)
        try c.encodeIfPresent(contact.skypeUsername, forKey: .skypeUsername)
        try c.encodeIfPresent(contact.conferenceInfo, forKey: .conferenceInfo)
    }
}

/// The `options{}` object of a create or update: calendar settings and display options.
public struct ResourceOptions: Sendable, Equatable, Codable {
    public var googleCalendarId: String?
    public var outlookCalendarId: String?
    public var calendarAvailability: Int?
    public var notificationType: Int?
    public var bookingNotification: Int?
    public var sortKey: Int?
    public var ignoreBusinessHours: Bool?
    public var displayColor: String?
    public var bioLink: String?
    public var gender: String?
    public var hourly: Double?
    public var effectiveDate: String?

    public init(
        googleCalendarId: String? = nil, outlookCalendarId: String? = nil, calendarAvailability: Int? = nil,
        notificationType: Int? = nil, bookingNotification: Int? = nil, sortKey: Int? = nil,
        ignoreBusinessHours: Bool? = nil, displayColor: String? = nil, bioLink: String? = nil,
        gender: String? = nil, hourly: Double? = nil, effectiveDate: String? = nil
    ) {
        self.googleCalendarId = googleCalendarId
        self.outlookCalendarId = outlookCalendarId
        self.calendarAvailability = calendarAvailability
        self.notificationType = notificationType
        self.bookingNotification = bookingNotification
        self.sortKey = sortKey
        self.ignoreBusinessHours = ignoreBusinessHours
        self.displayColor = displayColor
        self.bioLink = bioLink
        self.gender = gender
        self.hourly = hourly
        self.effectiveDate = effectiveDate
    }

    /// Whether no option is given. Field by field: comparing with `ResourceOptions()` built an
    /// empty value and copied this one for every row that gives an option (issue 17).
    public var isEmpty: Bool {
        googleCalendarId == nil && outlookCalendarId == nil && calendarAvailability == nil && notificationType == nil
            && bookingNotification == nil && sortKey == nil && ignoreBusinessHours == nil && displayColor == nil
            && bioLink == nil && gender == nil && hourly == nil && effectiveDate == nil
    }
}

/// The `address{}` object, shared by input and output.
public struct ResourceAddress: Sendable, Equatable, Codable {
    public var addressLine1: String?
    public var addressLine2: String?
    public var city: String?
    public var state: String?
    public var postalCode: String?
    public var country: String?

    public init(
        addressLine1: String? = nil, addressLine2: String? = nil, city: String? = nil,
        state: String? = nil, postalCode: String? = nil, country: String? = nil
    ) {
        self.addressLine1 = addressLine1
        self.addressLine2 = addressLine2
        self.city = city
        self.state = state
        self.postalCode = postalCode
        self.country = country
    }

    /// Whether no address field is given (field by field, as ``ResourceOptions/isEmpty``).
    public var isEmpty: Bool {
        addressLine1 == nil && addressLine2 == nil && city == nil && state == nil && postalCode == nil && country == nil
    }
}

/// The `contact{}` object, shared by input and output. It encodes as the answer spells it
/// (`phoneType`); `ResourcePayload` writes the input's `preferredPhoneType` instead. Decoding
/// reads `phoneType` and falls back to `preferredPhoneType`.
public struct ResourceContact: Sendable, Equatable, Codable {
    public var businessPhone: String?
    public var businessPhoneExt: String?
    public var mobilePhone: String?
    public var homePhone: String?
    public var phoneType: String?
    public var skypeUsername: String?
    public var conferenceInfo: String?

    public init(
        businessPhone: String? = nil, businessPhoneExt: String? = nil, mobilePhone: String? = nil,
        homePhone: String? = nil, phoneType: String? = nil, skypeUsername: String? = nil,
        conferenceInfo: String? = nil
    ) {
        self.businessPhone = businessPhone
        self.businessPhoneExt = businessPhoneExt
        self.mobilePhone = mobilePhone
        self.homePhone = homePhone
        self.phoneType = phoneType
        self.skypeUsername = skypeUsername
        self.conferenceInfo = conferenceInfo
    }

    enum CodingKeys: String, CodingKey {
        case businessPhone, businessPhoneExt, mobilePhone, homePhone, phoneType, preferredPhoneType, skypeUsername,
            conferenceInfo
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func str(_ k: CodingKeys) -> String? { (try? c.decodeIfPresent(LenientString.self, forKey: k))??.value }
        businessPhone = str(.businessPhone)
        businessPhoneExt = str(.businessPhoneExt)
        mobilePhone = str(.mobilePhone)
        homePhone = str(.homePhone)
        phoneType = str(.phoneType) ?? str(.preferredPhoneType)
        skypeUsername = str(.skypeUsername)
        conferenceInfo = str(.conferenceInfo)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(businessPhone, forKey: .businessPhone)
        try c.encodeIfPresent(businessPhoneExt, forKey: .businessPhoneExt)
        try c.encodeIfPresent(mobilePhone, forKey: .mobilePhone)
        try c.encodeIfPresent(homePhone, forKey: .homePhone)
        try c.encodeIfPresent(phoneType, forKey: .phoneType)
        try c.encodeIfPresent(skypeUsername, forKey: .skypeUsername)
        try c.encodeIfPresent(conferenceInfo, forKey: .conferenceInfo)
    }

    /// Whether no contact field is given (field by field, as ``ResourceOptions/isEmpty``).
    public var isEmpty: Bool {
        businessPhone == nil && businessPhoneExt == nil && mobilePhone == nil && homePhone == nil && phoneType == nil
            && skypeUsername == nil && conferenceInfo == nil
    }
}

/// The `customFields{}` object: `field1` … `field10`.
public struct ResourceCustomFields: Sendable, Equatable, Codable {
    public var field1: String?
    public var field2: String?
    public var field3: String?
    public var field4: String?
    public var field5: String?
    public var field6: String?
    public var field7: String?
    public var field8: String?
    public var field9: String?
    public var field10: String?

    public init() {}

    /// Field `n` (1…10); out-of-range indices read as `nil` and write nothing.
    public subscript(n: Int) -> String? {
        get {
            switch n {
            case 1: field1
            case 2: field2
            case 3: field3
            case 4: field4
            case 5: field5
            case 6: field6
            case 7: field7
            case 8: field8
            case 9: field9
            case 10: field10
            default: nil
            }
        }
        set {
            switch n {
            case 1: field1 = newValue
            case 2: field2 = newValue
            case 3: field3 = newValue
            case 4: field4 = newValue
            case 5: field5 = newValue
            case 6: field6 = newValue
            case 7: field7 = newValue
            case 8: field8 = newValue
            case 9: field9 = newValue
            case 10: field10 = newValue
            default: break
            }
        }
    }

    /// Whether no custom field is given (field by field, as ``ResourceOptions/isEmpty``).
    public var isEmpty: Bool {
        field1 == nil && field2 == nil && field3 == nil && field4 == nil && field5 == nil && field6 == nil
            && field7 == nil && field8 == nil && field9 == nil && field10 == nil
    }
}
