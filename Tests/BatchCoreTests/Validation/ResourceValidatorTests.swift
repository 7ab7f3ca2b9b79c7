import TestSupport
import Testing
@testable import BatchCore
@testable import BatchInput
@testable import BatchModel
@testable import BatchRules

/// A record with the given cells, as a source would produce it.
func record(_ cells: [ResourceField: String], serviceIds: [String]? = nil, row: Int = 1, line: Int = 2, issues: [RowIssue] = []) -> SourceRecord {
    var input = ResourceInput()
    for (f, v) in cells { input[f] = v }
    input.serviceIds = serviceIds
    return SourceRecord(row: row, line: line, input: input, issues: issues)
}

func validator(google: String? = "https://example.com/back", outlook: String? = "https://example.com/back", locationId: String? = nil) -> ResourceValidator {
    var o = ValidationOptions()
    o.returnURLs.google = google
    o.returnURLs.outlook = outlook
    o.locationId = locationId
    return ResourceValidator(options: o)
}

func errorFields(_ row: ValidatedRow) -> [String?] { row.issues.filter { $0.severity == .error }.map(\.field) }

@Suite struct ResourceValidatorTests {
    @Test func minimalRowIsValid() {
        var v = validator()
        let r = v.validate(record([.name: "Ana", .email: "ana@x.example"]))
        #expect(r.issues.isEmpty)
        #expect(r.isValid)
        #expect(r.payload == ResourcePayload(name: "Ana", email: "ana@x.example"))
        #expect(r.emailKey == "ana@x.example")
        #expect(r.provider == nil && r.calendarId == nil && r.calendarAvailability == nil)
    }

    @Test func nameIsRequired() {
        var v = validator()
        let r = v.validate(record([.email: "ana@x.example"]))
        #expect(errorFields(r) == ["name"])
        #expect(r.issues.reportMessage == "name: is required")
    }

    @Test func emailRequiredWithoutIdOnly() {
        var v = validator()
        #expect(errorFields(v.validate(record([.name: "A"]))) == ["email"])
        let update = v.validate(record([.name: "A", .id: "123"]))
        #expect(update.issues.isEmpty)
        #expect(update.id == "123")
    }

    @Test(arguments: ["ana", "ana@", "@x.example", "a@@x.example", "a b@x.example", "a@x", "a..b@x.example", "a@x..example", "a@-x.example", "a@x.123"])
    func malformedEmailIsAnErrorNamingTheValue(email: String) {
        var v = validator()
        let r = v.validate(record([.name: "A", .email: email]))
        #expect(errorFields(r) == ["email"], "\(email)")
        #expect(r.issues.first?.message.contains("'\(email)'") == true)
    }

    @Test func bothCalendarIdsIsAnError() {
        var v = validator()
        let r = v.validate(record([.name: "A", .email: "a@gmail.com", .googleCalendarId: "a@gmail.com", .outlookCalendarId: "a@outlook.com"]))
        #expect(r.issues.count == 1)
        let issue = r.issues[0]
        #expect(issue.severity == .error)
        #expect(issue.field == "googleCalendarId, outlookCalendarId")
    }

    @Test(arguments: [("0", 0), ("1", 1), ("2", 2), ("onsched", 0), ("None", 0), ("GOOGLE", 1), ("Outlook", 2)])
    func calendarAvailabilityNumbersAndWords(text: String, value: Int) {
        var v = validator()
        var cells: [ResourceField: String] = [.name: "A", .email: "a@x.example", .calendarAvailability: text]
        if value == 1 { cells[.googleCalendarId] = "a@gmail.com" }
        if value == 2 { cells[.outlookCalendarId] = "a@outlook.com" }
        let r = v.validate(record(cells))
        #expect(r.issues.isEmpty, "\(text)")
        #expect(r.calendarAvailability == value)
        #expect(r.payload.options?.calendarAvailability == value)
    }

    @Test func calendarAvailabilityUnknownWordIsAnError() {
        var v = validator()
        let r = v.validate(record([.name: "A", .email: "a@x.example", .calendarAvailability: "3"]))
        #expect(errorFields(r) == ["calendarAvailability"])
        #expect(r.issues[0].message.contains("'3'"))
    }

    @Test func availabilityOneNeedsGoogleTwoNeedsOutlook() {
        var v = validator()
        let one = v.validate(record([.name: "A", .email: "a@x.example", .calendarAvailability: "1"]))
        #expect(errorFields(one) == ["calendarAvailability"])
        #expect(one.issues[0].message.contains("googleCalendarId"))
        let two = v.validate(record([.name: "A", .email: "a@x.example", .calendarAvailability: "2", .googleCalendarId: "a@gmail.com"]))
        #expect(errorFields(two) == ["calendarAvailability"])
        #expect(two.issues[0].message.contains("outlookCalendarId"))
    }

    @Test func calendarIdMustBeAnAddress() {
        var v = validator()
        let r = v.validate(record([.name: "A", .email: "a@x.example", .googleCalendarId: "not-an-address"]))
        #expect(errorFields(r) == ["googleCalendarId"])
    }

    @Test func calendarIdNeedsAReturnURL() {
        var v = validator(google: nil, outlook: nil)
        let g = v.validate(record([.name: "A", .email: "a@gmail.com", .googleCalendarId: "a@gmail.com"]))
        #expect(errorFields(g) == ["googleAuthReturnUrl"])
        #expect(g.issues[0].message.contains("--google-return-url"))
        let o = v.validate(record([.name: "A", .email: "a@outlook.com", .outlookCalendarId: "a@outlook.com"]))
        #expect(errorFields(o) == ["outlookAuthReturnUrl"])
        #expect(o.issues[0].message.contains("--outlook-return-url"))
        // No calendar, no URL needed.
        #expect(v.validate(record([.name: "A", .email: "a@x.example"])).issues.isEmpty)
    }

    @Test func returnURLFromColumnWinsOverOption() {
        var v = validator(google: "https://option.example/", outlook: nil)
        let r = v.validate(record([.name: "A", .email: "a@gmail.com", .googleCalendarId: "a@gmail.com",
                                   .googleAuthReturnUrl: "https://column.example/x"]))
        #expect(r.issues.isEmpty)
        #expect(r.returnURLs.google == "https://column.example/x")
        #expect(r.returnURLs.outlook == nil)
        let fromOption = v.validate(record([.name: "A", .email: "a@gmail.com", .googleCalendarId: "a@gmail.com"]))
        #expect(fromOption.returnURLs.google == "https://option.example/")
        // A row without a calendar carries no return URL, whatever the options.
        #expect(v.validate(record([.name: "A", .email: "a@x.example"])).returnURLs == ReturnURLs())
    }

    @Test(arguments: [
        "https://example.com/back", "HTTPS://EXAMPLE.COM", "http://localhost:8080/cb", "http://127.0.0.1/cb",
        "http://127.1.2.3:9/x", "http://[::1]:8080/cb",
    ])
    func acceptedReturnURLs(url: String) {
        #expect(ResourceValidator.returnURLProblem(url) == nil, "\(url)")
    }

    @Test(arguments: [
        "example.com/back", "/relative", "ftp://example.com/", "http://example.com/", "http://127.0.0.1.evil.example/",
        "http://127.evil.example/", "http://localhost.evil.example/", "https://", "javascript:alert(1)", "mailto:a@b.example",
    ])
    func refusedReturnURLs(url: String) {
        #expect(ResourceValidator.returnURLProblem(url) != nil, "\(url)")
    }

    @Test func badReturnURLInColumnIsAnErrorOnItsField() {
        var v = validator()
        let r = v.validate(record([.name: "A", .email: "a@outlook.com", .outlookCalendarId: "a@outlook.com",
                                   .outlookAuthReturnUrl: "http://example.com/"]))
        #expect(errorFields(r) == ["outlookAuthReturnUrl"])
        #expect(r.issues[0].message.contains("https"))
    }

    @Test func numbersBooleansDatesAndHourlyParse() {
        var v = validator()
        let r = v.validate(record([.name: "A", .email: "a@x.example", .notificationType: "1", .bookingNotification: "2",
                                   .sortKey: "-3", .ignoreBusinessHours: "Yes", .hourly: "12.50", .effectiveDate: "2025-01-31",
                                   .groupId: "9"]))
        #expect(r.issues.isEmpty)
        let o = r.payload.options
        #expect(o?.notificationType == 1 && o?.bookingNotification == 2 && o?.sortKey == -3)
        #expect(o?.ignoreBusinessHours == true)
        #expect(o?.hourly == 12.5)
        #expect(o?.effectiveDate == "2025-01-31")
        #expect(r.payload.groupId == "9")
        let dt = v.validate(record([.name: "A", .email: "a@x.example", .effectiveDate: "2025-01-31T08:00:00Z", .ignoreBusinessHours: "n"]))
        #expect(dt.issues.isEmpty)
        #expect(dt.payload.options?.ignoreBusinessHours == false)
    }

    @Test func parseErrorsNameTheirFields() {
        var v = validator()
        let r = v.validate(record([.name: "A", .email: "a@x.example", .notificationType: "often", .bookingNotification: "1.5",
                                   .sortKey: "x", .ignoreBusinessHours: "maybe", .hourly: "-1", .effectiveDate: "31/01/2025",
                                   .groupId: "sales"], serviceIds: ["1", "two", "-4"]))
        #expect(Set(errorFields(r)) == ["notificationType", "bookingNotification", "sortKey", "ignoreBusinessHours", "hourly",
                                        "effectiveDate", "groupId", "serviceIds"])
        #expect(errorFields(r).filter { $0 == "serviceIds" }.count == 2)
        #expect(r.issues.allSatisfy { $0.message.contains("'") }, "each message quotes the value at fault")
    }

    @Test(arguments: ["2024-02-29", "2000-02-29", "2025-04-30", "2025-12-31", "2025-01-31T08:00", "2025-01-31 08:00"])
    func goodDates(text: String) {
        #expect(ResourceValidator.isISODate(text))
    }

    @Test(arguments: ["2025-13-01", "2025-00-10", "2025-01-32", "2025-1-1", "20250101", "2025-01-01X", "nan", "inf",
                      "2025-02-29", "1900-02-29", "2025-02-30", "2025-04-31", "2025-06-31"])
    func badDates(text: String) {
        #expect(!ResourceValidator.isISODate(text))
    }

    @Test(arguments: ["nan", "inf", "-0.5", "12,5", "x"])
    func badHourly(text: String) {
        var v = validator()
        #expect(errorFields(v.validate(record([.name: "A", .email: "a@x.example", .hourly: text]))) == ["hourly"])
    }

    @Test func payloadIsBuiltInTheAPIShape() {
        var v = validator(locationId: "L1")
        var cells: [ResourceField: String] = [
            .name: "Ana", .email: "ana@gmail.com", .description: "Stylist", .timezoneId: "Europe/Oslo", .groupId: "12",
            .googleCalendarId: "ana@gmail.com", .calendarAvailability: "google", .displayColor: "#ff0000",
            .businessPhone: "+47 1", .skypeUsername: "ana.s", .city: "Oslo", .country: "NO", .customField1: "B-1", .customField10: "Z",
        ]
        cells[.bioLink] = "https://ana.example"
        let r = v.validate(record(cells, serviceIds: ["3", "4"]))
        #expect(r.issues.isEmpty)
        var expected = ResourcePayload(name: "Ana", email: "ana@gmail.com", description: "Stylist", timezoneId: "W. Europe Standard Time", groupId: "12")  // the IANA name is sent as its Windows id
        expected.locationId = "L1"
        expected.options = ResourceOptions(googleCalendarId: "ana@gmail.com", calendarAvailability: 1, displayColor: "#ff0000", bioLink: "https://ana.example")
        expected.contact = ResourceContact(businessPhone: "+47 1", skypeUsername: "ana.s")
        expected.address = ResourceAddress(city: "Oslo", country: "NO")
        var custom = ResourceCustomFields()
        custom.field1 = "B-1"
        custom.field10 = "Z"
        expected.customFields = custom
        expected.serviceIds = [3, 4]
        #expect(r.payload == expected)
        #expect(r.provider == .google && r.calendarId == "ana@gmail.com" && r.calendarAvailability == 1)
    }

    @Test func nestedObjectsOnlyWhenGiven() {
        var v = validator()
        let r = v.validate(record([.name: "A", .email: "a@x.example"]))
        #expect(r.payload.options == nil && r.payload.address == nil && r.payload.contact == nil && r.payload.customFields == nil)
        #expect(r.payload.serviceIds == nil)
        #expect(r.payload.locationId == nil)
        let column = v.validate(record([.name: "A", .email: "a@x.example", .locationId: "L9"]))
        #expect(column.payload.locationId == "L9")
    }

    @Test func blankCellsAreOmittedFromThePayload() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = try dir.write("in.csv", "name,email,description,city,googleCalendarId,calendarAvailability,serviceIds\nA,a@x.example,, ,,,\n")
        let source = try CSVRecordSource(path: path, options: InputOptions())
        var v = validator()
        let r = v.validate(try #require(try source.next()))
        #expect(r.issues.isEmpty)
        #expect(r.payload == ResourcePayload(name: "A", email: "a@x.example"))
    }

    @Test func outlookRowPutsItsIdInOptions() {
        var v = validator()
        let r = v.validate(record([.name: "A", .email: "a@x.example", .outlookCalendarId: "a@outlook.com", .calendarAvailability: "2"]))
        #expect(r.issues.isEmpty)
        #expect(r.payload.options == ResourceOptions(outlookCalendarId: "a@outlook.com", calendarAvailability: 2))
        #expect(r.provider == .outlook)
        #expect(r.hostingCheck?.domain == "outlook.com")
        #expect(r.hostingCheck?.expected == .outlook)
    }

    @Test func everyProblemOfARowIsReported() {
        var v = validator(google: nil)
        let sourceIssue = RowIssue(.error, field: nil, "the record has 3 fields but the header has 2")
        let r = v.validate(record([.email: "bad@@x", .googleCalendarId: "g@gmail.com", .outlookCalendarId: "o@outlook.com",
                                   .calendarAvailability: "7", .sortKey: "x"], issues: [sourceIssue]))
        let fields = errorFields(r)
        #expect(fields.contains(nil), "the reading problem is kept")
        for f in ["name", "email", "googleCalendarId, outlookCalendarId", "calendarAvailability", "googleAuthReturnUrl", "sortKey"] {
            #expect(fields.contains(f), "\(f)")
        }
        #expect(r.issues.reportMessage.components(separatedBy: "; ").count == r.issues.count)
        #expect(!r.isValid)
    }
}
