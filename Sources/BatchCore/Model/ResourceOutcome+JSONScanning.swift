import JSONCodec

/// Reads a resource's outcome straight from the answer's bytes: the values
/// `ResourceOutcome(Resource(scanning:))` would hold, without building the other thirty.
///
/// The rules are `Resource`'s (`Resource+JSONScanning.swift`, itself checked against
/// `Resource.init(from:)`): lenient values (`JSONLenient`); `calendarAvailability`,
/// `googleCalendarId` and `outlookCalendarId` from `options{}` first, the top level as the
/// fallback; a key given twice counts the first time (also `options` itself, which is read only
/// when its first value is an object). Every other value is skipped by the scanner, which still
/// checks it, so a document `Resource` refuses is refused here too.
extension ResourceOutcome {
    /// The top-level keys read, by their index in ``topTable``.
    private enum Top: Int, CaseIterable {
        case id, name, email, calendarAvailability, googleCalendarId, googleCalendarAuthUrl, googleCalendarAuthorized,
            outlookCalendarId, outlookCalendarAuthUrl, outlookCalendarAuthorized, options
    }

    private static let topTable = JSONKeyTable(Top.allCases.map { "\($0)" })
    /// The options read, by index: `calendarAvailability`, `googleCalendarId`, `outlookCalendarId`.
    private static let optionTable = JSONKeyTable(["calendarAvailability", "googleCalendarId", "outlookCalendarId"])

    /// Reads the resource object at the scanner's position.
    /// - Throws: `JSONScanError` when the value is not an object or the document is not JSON.
    package init(scanning s: inout JSONScanner) throws {
        self.init()
        try scan(&s)
    }

    /// Reads the resource object at the scanner's position into this outcome, which must be
    /// empty (`ResourceOutcome()`). A mutating method, so that a bulk answer's outcomes are read
    /// where they lie in their array: an initializer built each one in a temporary and copied it
    /// out (seven strings retained and released, issue 17).
    /// - Throws: `JSONScanError` when the value is not an object or the document is not JSON.
    package mutating func scan(_ s: inout JSONScanner) throws {
        try scan(&s, expecting: nil)
    }

    /// What the request sent for a resource, which its answer usually repeats: a string of the
    /// answer equal to one of these is answered with it instead of being made again
    /// (``JSONScanner/readString(reusing:)``). Only a saving: any other value is read as it is.
    package struct Expected: Sendable {
        package var name: String?
        package var email: String?
        /// The calendar id sent (Google's or Outlook's).
        package var calendarId: String?

        package init(name: String?, email: String?, calendarId: String?) {
            self.name = name
            self.email = email
            self.calendarId = calendarId
        }
    }

    /// ``scan(_:)``, reusing the strings of `expected` that the answer repeats.
    package mutating func scan(_ s: inout JSONScanner, expecting expected: Expected?) throws {
        let top = Self.topTable
        var seen: UInt16 = 0
        var optionAvailability: Int?
        var optionGoogle: String?
        var optionOutlook: String?
        // The top-level calendar values are only fallbacks for options{}'s: each is skipped
        // (and checked) where it stands and read from a copy of the scanner at its start only
        // if options{} has none (issue 17: no String made for a value the answer repeats).
        var topAvailability: JSONScanner?
        var topGoogle: JSONScanner?
        var topOutlook: JSONScanner?
        var cursor = try s.beginObject()
        while let index = try s.nextKey(&cursor, in: top) {
            guard seen & (1 << index) == 0, let field = Top(rawValue: index) else {
                try s.skipValue()
                continue
            }
            seen |= 1 << index
            switch field {
            case .id: id = try JSONLenient.string(&s)
            case .name: name = try JSONLenient.string(&s, reusing: expected?.name)
            case .email: email = try JSONLenient.string(&s, reusing: expected?.email)
            case .calendarAvailability:
                topAvailability = s
                try s.skipValue()
            case .googleCalendarId:
                topGoogle = s
                try s.skipValue()
            case .googleCalendarAuthUrl: googleCalendarAuthUrl = try JSONLenient.string(&s)
            case .googleCalendarAuthorized: googleCalendarAuthorized = try JSONLenient.bool(&s)
            case .outlookCalendarId:
                topOutlook = s
                try s.skipValue()
            case .outlookCalendarAuthUrl: outlookCalendarAuthUrl = try JSONLenient.string(&s)
            case .outlookCalendarAuthorized: outlookCalendarAuthorized = try JSONLenient.bool(&s)
            case .options:
                guard try s.peek() == .object else {
                    try s.skipValue()
                    continue
                }
                let options = Self.optionTable
                var seenOption: UInt8 = 0
                var inner = try s.beginObject()
                while let o = try s.nextKey(&inner, in: options) {
                    guard seenOption & (1 << o) == 0 else {
                        try s.skipValue()
                        continue
                    }
                    seenOption |= 1 << o
                    switch o {
                    case 0: optionAvailability = try JSONLenient.int(&s)
                    case 1: optionGoogle = try JSONLenient.string(&s, reusing: expected?.calendarId)
                    default: optionOutlook = try JSONLenient.string(&s, reusing: expected?.calendarId)
                    }
                }
            }
        }
        // `options{}` first, the top level as a fallback.
        if optionAvailability == nil, var top = topAvailability {
            optionAvailability = try JSONLenient.int(&top)
        }
        if optionGoogle == nil, var top = topGoogle {
            optionGoogle = try JSONLenient.string(&top, reusing: expected?.calendarId)
        }
        if optionOutlook == nil, var top = topOutlook {
            optionOutlook = try JSONLenient.string(&top, reusing: expected?.calendarId)
        }
        calendarAvailability = optionAvailability
        googleCalendarId = optionGoogle
        outlookCalendarId = optionOutlook
    }
}

extension ResourcePayload {
    /// What an answer about this payload's resource usually repeats (``ResourceOutcome/Expected``),
    /// read from the storage field by field.
    package var expectedAnswer: ResourceOutcome.Expected {
        ResourceOutcome.Expected(name: storage.name, email: storage.email,
                                 calendarId: storage.options?.googleCalendarId ?? storage.options?.outlookCalendarId)
    }
}
