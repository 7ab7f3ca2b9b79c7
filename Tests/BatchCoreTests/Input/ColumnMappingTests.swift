import Testing
@testable import BatchCore
@testable import BatchInput
@testable import BatchModel

@Suite struct ColumnMappingTests {
    @Test func canonicalNamesIgnoreCaseSpacesUnderscoresAndDashes() throws {
        let m = try ColumnMapping(headers: ["NAME", "e_mail", "Time Zone Id", "google-calendar-id", "Outlook_Calendar Id", "CALENDAR availability"])
        #expect(m.fields == [.name, .email, .timezoneId, .googleCalendarId, .outlookCalendarId, .calendarAvailability])
        #expect(m.unmappedColumns.isEmpty)
    }

    @Test(arguments: [
        ("E-mail", ResourceField.email), ("Email Address", .email), ("Work Email", .email), ("work_e-mail", .email),
        ("Full Name", .name), ("Display Name", .name), ("Phone", .businessPhone), ("Timezone", .timezoneId),
        ("Time Zone", .timezoneId), ("Mobile", .mobilePhone), ("Zip", .postalCode), ("Custom Field 3", .customField3),
        ("field10", .customField10), ("Services", .serviceIds),
    ])
    func hrAliases(header: String, field: ResourceField) throws {
        let m = try ColumnMapping(headers: field == .name ? ["email", header] : ["name", header])
        #expect(m.fields.last == field, "\(header)")
    }

    @Test func headerWithBOMStillMatches() throws {
        let m = try ColumnMapping(headers: ["\u{FEFF}name", "email"])
        #expect(m.fields == [.name, .email])
    }

    @Test func overridesWinOverCanonicalAndAliases() throws {
        var o = MappingOverrides()
        try o.add(inline: "Phone=mobilePhone")
        try o.add(inline: "Department=description")
        try o.add(inline: "Employee=name")
        let m = try ColumnMapping(headers: ["Employee", "Phone", "Department"], overrides: o)
        #expect(m.fields == [.name, .mobilePhone, .description])
    }

    @Test func overrideToAnotherFieldFreesTheCanonicalName() throws {
        // `email` mapped away, `Work Email` takes its place: no duplicate.
        var o = MappingOverrides()
        try o.add(inline: "email=")
        let m = try ColumnMapping(headers: ["name", "email", "Work Email"], overrides: o)
        #expect(m.fields == [.name, nil, .email])
        #expect(m.unmappedColumns.isEmpty, "an explicitly ignored column is not reported")
    }

    @Test func emptyOrDashOrIgnoreFieldIgnoresTheColumn() throws {
        var o = MappingOverrides()
        try o.add(inline: "Badge=")
        try o.add(column: "Cost Center", field: "-", source: "map.csv: line 2")
        try o.add(column: "Notes", field: "ignore", source: "map.csv: line 3")
        let m = try ColumnMapping(headers: ["name", "Badge", "Cost Center", "Notes"], overrides: o)
        #expect(m.fields == [.name, nil, nil, nil])
        #expect(m.unmappedColumns.isEmpty)
    }

    @Test func overrideFieldNamesAreMatchedLoosely() throws {
        var o = MappingOverrides()
        try o.add(column: "Badge No", field: "custom field 1", source: "x")
        try o.add(column: "Dept", field: "DESCRIPTION", source: "x")
        let m = try ColumnMapping(headers: ["name", "badge_no", "dept"], overrides: o)
        #expect(m.fields == [.name, .customField1, .description])
    }

    @Test func unknownFieldErrorListsTheFields() {
        var o = MappingOverrides()
        #expect {
            try o.add(inline: "Work Email=emial")
        } throws: { error in
            guard case let .badMapping(source, reason)? = error as? InputError else { return false }
            return source == "mapping 'Work Email=emial'" && reason.contains("unknown field 'emial'")
                && reason.contains("email") && reason.contains("googleCalendarId") && reason.contains("customField10")
                && reason.contains("serviceIds")
        }
    }

    @Test func inlineWithoutEqualsIsAnError() {
        var o = MappingOverrides()
        #expect(throws: InputError.badMapping(source: "mapping 'Work Email'", reason: "expected 'Column=field'")) {
            try o.add(inline: "Work Email")
        }
    }

    @Test func emptyColumnNameIsAnError() {
        var o = MappingOverrides()
        #expect(throws: InputError.self) { try o.add(inline: "=email") }
    }

    @Test func duplicateColumnErrorNamesBothColumns() throws {
        #expect {
            _ = try ColumnMapping(headers: ["name", "Email", "Work Email"])
        } throws: { error in
            guard let e = error as? InputError,
                  case let .duplicateColumn(field, first, firstIndex, second, secondIndex) = e else { return false }
            let text = e.description
            return field == "email" && first == "Email" && firstIndex == 2 && second == "Work Email" && secondIndex == 3
                && text.contains("'Email'") && text.contains("'Work Email'") && !text.contains("--")
        }
    }

    @Test func missingNameColumnIsAnErrorListingTheHeaders() throws {
        #expect {
            _ = try ColumnMapping(headers: ["Employee", "email"])
        } throws: { error in
            guard let e = error as? InputError, case .missingColumn(field: "name", headers: ["Employee", "email"]) = e else { return false }
            return e.description.contains("'Employee'") && e.description.contains("no column feeds 'name'")
        }
        // Not required when the caller says so (e.g. a future update-only mode).
        let m = try ColumnMapping(headers: ["id", "email"], requireName: false)
        #expect(m.fields == [.id, .email])
    }

    @Test func errorColumnIsIgnoredSilently() throws {
        let m = try ColumnMapping(headers: ["name", "email", "error", "Error"])
        #expect(m.fields == [.name, .email, nil, nil])
        #expect(m.unmappedColumns.isEmpty)
    }

    @Test func unmappedColumnsAreListedOnceInInputOrder() throws {
        let m = try ColumnMapping(headers: ["Badge", "name", "Department", "", "email"])
        #expect(m.fields == [nil, .name, nil, nil, .email])
        #expect(m.unmappedColumns == ["Badge", "Department"])
        #expect(m.headers == ["Badge", "name", "Department", "", "email"])
    }
}
