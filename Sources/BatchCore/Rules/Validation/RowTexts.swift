import BatchModel

/// The texts of a row's input that both its report line and its payload hold: its name, e-mail
/// and the calendar id of its provider, made once from the input's bytes and shared by the two;
/// and what validation read already from two more, so that the payload does not read them again.
///
/// Issue 17: the import made each of them two or three times a row (the report line, the payload,
/// the e-mail key), a `String` allocated, validated and copied every time.
public struct RowTexts: Sendable {
    public var name: String?
    public var email: String?
    /// The calendar id of the row's provider (``ValidatedRow/calendarId``).
    public var calendarId: String?
    /// The `calendarAvailability` validation read from its text.
    public var calendarAvailability: Int?
    /// The Windows zone validation mapped the row's `timezoneId` to, when it did: sent instead of
    /// the text, which is then not made.
    public var mappedTimezoneId: String?

    @inlinable
    public init(name: String?, email: String?, calendarId: String?, calendarAvailability: Int? = nil,
                mappedTimezoneId: String? = nil) {
        self.name = name
        self.email = email
        self.calendarId = calendarId
        self.calendarAvailability = calendarAvailability
        self.mappedTimezoneId = mappedTimezoneId
    }
}
