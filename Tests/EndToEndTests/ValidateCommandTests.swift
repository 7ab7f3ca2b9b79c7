import Foundation
import TestSupport
import Testing

@Suite struct ValidateCommandTests {
    func withCLI(_ body: (CLIRunner) throws -> Void) throws {
        let cli = try CLIRunner()
        defer { cli.cleanUp() }
        try body(cli)
    }

    static let people = "name,email,calendarAvailability\nAna,ana@x.example,0\n=Evil,evil@x.example,none\n"

    @Test func theBinaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: CLIRunner.binary.path), "\(CLIRunner.binary.path)")
    }

    @Test func unknownOptionExits2NamingIt() throws {
        try withCLI { cli in
            try cli.write("people.csv", Self.people)
            let r = try cli.run(["validate", "people.csv", "--bogus-option"])
            #expect(r.status == 2, "\(r)")
            #expect(r.err.contains("--bogus-option"))
            #expect(r.stdout.isEmpty)
            #expect(!cli.exists("people.report.csv"), "nothing written on a usage error")
        }
    }

    @Test func misspelledOptionGetsASuggestion() throws {
        try withCLI { cli in
            try cli.write("people.csv", Self.people)
            let r = try cli.run(["validate", "people.csv", "--hosting-chek", "off"])
            #expect(r.status == 2)
            #expect(r.err.contains("--hosting-check"), "\(r.err)")
        }
    }

    @Test func missingFileExits2NamingIt() throws {
        try withCLI { cli in
            let r = try cli.run(["validate", "no-such-people.csv", "--hosting-check", "off"])
            #expect(r.status == 2, "\(r)")
            #expect(r.err.contains("no-such-people.csv"))
        }
    }

    @Test func missingArgumentAndUnknownCommandExit2() throws {
        try withCLI { cli in
            let noFile = try cli.run(["validate"])
            #expect(noFile.status == 2 && noFile.err.contains("FILE"), "\(noFile)")
            let unknown = try cli.run(["valdate", "x.csv"])
            #expect(unknown.status == 2 && unknown.err.contains("'valdate'") && unknown.err.contains("validate"), "\(unknown)")
        }
    }

    @Test func unknownMappingFieldExits2ListingTheFields() throws {
        try withCLI { cli in
            try cli.write("people.csv", Self.people)
            let r = try cli.run(["validate", "people.csv", "--map", "Work Email=emial", "--hosting-check", "off"])
            #expect(r.status == 2, "\(r)")
            #expect(r.err.contains("unknown field 'emial'") && r.err.contains("googleCalendarId"))
        }
    }

    @Test func mapFileWithBOMHeaderIgnoresAndInlineMaps() throws {
        try withCLI { cli in
            try cli.write("hr.csv", "Employee;Mail;Dept;Cost Center\nAna;ana@x.example;Sales;CC-1\n")
            try cli.write("map.csv", "\u{FEFF}column,field\r\nEmployee,name\r\n\r\nDept , Description\r\n\"Cost Center\",\r\n")
            let r = try cli.run(["validate", "hr.csv", "--map", "map.csv", "--map", "Mail=email", "--hosting-check", "off", "--report", "-"])
            #expect(r.status == 0, "\(r)")
            #expect(r.out.contains("1,2,valid,,Ana,ana@x.example"))
            #expect(!r.err.contains("ignoring columns"), "\(r.err)")
        }
    }

    @Test func mapFileWithUnknownFieldExits2NamingFileAndLine() throws {
        try withCLI { cli in
            try cli.write("hr.csv", "Employee,Mail\nAna,ana@x.example\n")
            try cli.write("map.csv", "column,field\nEmployee,name\nMail,emial\n")
            let r = try cli.run(["validate", "hr.csv", "--map", "map.csv", "--hosting-check", "off"])
            #expect(r.status == 2, "\(r)")
            #expect(r.err.contains("map.csv: line 3") && r.err.contains("unknown field 'emial'"), "\(r.err)")
            let missing = try cli.run(["validate", "hr.csv", "--map", "nomap.csv", "--hosting-check", "off"])
            #expect(missing.status == 2 && missing.err.contains("nomap.csv"), "\(missing)")
        }
    }

    @Test func missingNameColumnAndDuplicateColumnsExit2() throws {
        try withCLI { cli in
            try cli.write("a.csv", "Employee,email\nAna,ana@x.example\n")
            let noName = try cli.run(["validate", "a.csv", "--hosting-check", "off"])
            #expect(noName.status == 2 && noName.err.contains("'Employee'") && noName.err.contains("--map"), "\(noName)")
            try cli.write("b.csv", "name,Email,Work Email\nAna,a@x.example,b@x.example\n")
            let dup = try cli.run(["validate", "b.csv", "--hosting-check", "off"])
            #expect(dup.status == 2 && dup.err.contains("'Email'") && dup.err.contains("'Work Email'"), "\(dup)")
            let chosen = try cli.run(["validate", "b.csv", "--map", "Email=", "--hosting-check", "off", "--quiet"])
            #expect(chosen.status == 0, "\(chosen)")
        }
    }

    @Test func badDomainHostingFileExits2() throws {
        try withCLI { cli in
            try cli.write("people.csv", Self.people)
            try cli.write("hosting.csv", "domain,provider\nacme.example,yahoo\n")
            let r = try cli.run(["validate", "people.csv", "--domain-hosting", "hosting.csv"])
            #expect(r.status == 2, "\(r)")
            #expect(r.err.contains("hosting.csv") && r.err.contains("yahoo"), "\(r.err)")
        }
    }

    @Test func helpAndVersion() throws {
        try withCLI { cli in
            let help = try cli.run(["--help"])
            #expect(help.status == 0)
            #expect(help.out.contains("usage: resource-batch") && help.out.contains("validate"))
            let command = try cli.run(["help", "validate"])
            #expect(command.status == 0)
            #expect(command.out.contains("usage: resource-batch validate FILE"))
            for option in ["--map", "--domain-hosting", "--hosting-check", "--report", "--errors", "--excel"] {
                #expect(command.out.contains(option), "help validate shows \(option)")
            }
            let inline = try cli.run(["validate", "--help"])
            #expect(inline.status == 0 && inline.out == command.out)
            let version = try cli.run(["--version"])
            #expect(version.status == 0)
            #expect(version.out.hasPrefix("resource-batch ") && version.out.hasSuffix("\n"), "\(version.out)")
            // `resource-batch 0.1.0 (commit …)`: the version, then the commit (OperatorBasicsTests).
            #expect(version.out.split(separator: " ").dropFirst().first?.first?.isNumber == true, "\(version.out)")
        }
    }

    @Test func reportToStandardOutputIsTheCSVAndNothingElse() throws {
        try withCLI { cli in
            try cli.write("people.csv", Self.people)
            let r = try cli.run(["validate", "people.csv", "--report", "-", "--hosting-check", "off"])
            #expect(r.status == 0, "\(r)")
            #expect(r.out == "row,line,status,id,name,email,provider,calendarId,calendarAvailability,authUrl,authorized,message\r\n"
                + "1,2,valid,,Ana,ana@x.example,,,0,,,\r\n"
                + "2,3,valid,,'=Evil,evil@x.example,,,0,,,\r\n")
            #expect(r.err.contains("2 valid"), "the summary goes to standard error")
            #expect(!cli.exists("people.report.csv") && !cli.exists("-"))
        }
    }

    @Test func standardInputIsAnInput() throws {
        try withCLI { cli in
            let r = try cli.run(["validate", "-", "--report", "-", "--hosting-check", "off", "--quiet"], stdin: Array(Self.people.utf8))
            #expect(r.status == 0, "\(r)")
            #expect(r.out.components(separatedBy: "\r\n").count == 4)
            #expect(r.err.isEmpty, "--quiet")
        }
    }

    @Test func reportAndErrorsFilesHaveMode0600() throws {
        try withCLI { cli in
            try cli.write("people.csv", "name,email\n,nobody@x.example\n")
            let r = try cli.run(["validate", "people.csv", "--hosting-check", "off"])
            #expect(r.status == 1, "\(r)")
            for name in ["people.report.csv", "people.errors.csv"] {
                let mode = try FileManager.default.attributesOfItem(atPath: cli.path(name))[.posixPermissions] as? NSNumber
                #expect(mode?.intValue == 0o600, "\(name)")
            }
        }
    }

    @Test func jsonlReport() throws {
        try withCLI { cli in
            try cli.write("people.csv", "name,email\nAna,ana@x.example\n,nobody@x.example\n")
            let r = try cli.run(["validate", "people.csv", "--report-format", "jsonl", "--hosting-check", "off"])
            #expect(r.status == 1, "\(r)")
            let lines = try cli.readText("people.report.jsonl").split(separator: "\n")
            #expect(lines.count == 2)
            let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(objects[0]?["status"] as? String == "valid")
            #expect(objects[0]?["row"] as? Int == 1 && objects[0]?["line"] as? Int == 2)
            #expect(objects[1]?["status"] as? String == "invalid")
            #expect(objects[1]?["message"] as? String == "name: is required")
            #expect(objects[1]?.keys.count == 12)
            #expect(!cli.exists("people.report.csv"))
        }
    }

    @Test func excelReportHasABOM() throws {
        try withCLI { cli in
            try cli.write("people.csv", Self.people)
            let r = try cli.run(["validate", "people.csv", "--excel", "--report", "out.csv", "--hosting-check", "off"])
            #expect(r.status == 0, "\(r)")
            #expect(try cli.read("out.csv").starts(with: [0xEF, 0xBB, 0xBF] + Array("row,line".utf8)))
        }
    }

    @Test func headerOnlyFileExits2UnlessEmptyIsAllowed() throws {
        try withCLI { cli in
            try cli.write("empty-list.csv", "name,email\r\n")
            let refused = try cli.run(["validate", "empty-list.csv", "--hosting-check", "off"])
            #expect(refused.status == 2, "\(refused)")
            #expect(refused.err.contains("no records after the header on line 1"), "\(refused)")
            let r = try cli.run(["validate", "empty-list.csv", "--hosting-check", "off", "--allow-empty"])
            #expect(r.status == 0, "\(r)")
            #expect(r.err.contains("no records after the header on line 1"), "\(r)")
            #expect(try cli.readText("empty-list.report.csv") == "row,line,status,id,name,email,provider,calendarId,calendarAvailability,authUrl,authorized,message\r\n")
            #expect(!cli.exists("empty-list.errors.csv"))
        }
    }

    @Test func emptyFileExits2() throws {
        try withCLI { cli in
            try cli.write("empty.csv", "")
            let r = try cli.run(["validate", "empty.csv", "--hosting-check", "off"])
            #expect(r.status == 2, "\(r)")
            #expect(r.err.contains("empty.csv is empty"))
        }
    }

    @Test func invalidUTF8Exits2NamingTheLineAndSuggestingEncoding() throws {
        try withCLI { cli in
            try cli.write("latin1.csv", Array("name,email,city\nAna,ana@x.example,Oslo\nJ".utf8) + [0xF6] + Array("rg,jorg@x.example,Malm".utf8) + [0xF6, 0x0A])
            let r = try cli.run(["validate", "latin1.csv", "--hosting-check", "off"])
            #expect(r.status == 2, "\(r)")
            #expect(r.err.contains("line 3"), "\(r.err)")
            #expect(r.err.contains("--encoding"))
            let fixed = try cli.run(["validate", "latin1.csv", "--encoding", "latin1", "--hosting-check", "off", "--report", "-"])
            #expect(fixed.status == 0, "\(fixed)")
            #expect(fixed.out.contains("Jörg"))
        }
    }

    @Test func semicolonFileWithBOMIsDetected() throws {
        try withCLI { cli in
            try cli.write("excel.csv", "\u{FEFF}Full Name;Work E-mail;Phone\r\nZoë;zoe@x.example;+47 1\r\n")
            let r = try cli.run(["validate", "excel.csv", "--hosting-check", "off", "--report", "-"])
            #expect(r.status == 0, "\(r)")
            #expect(r.out.contains("1,2,valid,,Zoë,zoe@x.example"))
        }
    }

    @Test func unwritableReportExits2SayingWrite() throws {
        try withCLI { cli in
            try cli.write("people.csv", Self.people)
            let r = try cli.run(["validate", "people.csv", "--report", "no-such-dir/r.csv", "--hosting-check", "off"])
            #expect(r.status == 2, "\(r)")
            #expect(r.err.contains("cannot write no-such-dir/r.csv"), "\(r.err)")
            #expect(!r.err.contains("cannot read"))
        }
    }

    @Test func reportAndErrorsOnTheSameFileIsAUsageError() throws {
        try withCLI { cli in
            try cli.write("people.csv", "name,email\nAna,ana@x.example\n,nobody@x.example\n")
            let r = try cli.run(["validate", "people.csv", "--report", "out.csv", "--errors", "out.csv", "--hosting-check", "off"])
            #expect(r.status == 2, "\(r)")
            #expect(r.err.contains("--errors") && r.err.contains("--report"), "\(r.err)")
            let stdout = try cli.run(["validate", "people.csv", "--report", "-", "--errors", "-", "--hosting-check", "off"])
            #expect(stdout.status == 2, "\(stdout)")
            #expect(stdout.stdout.isEmpty)
        }
    }

    @Test func nonHTTPSReturnURLOptionIsAUsageError() throws {
        try withCLI { cli in
            try cli.write("people.csv", Self.people)
            let r = try cli.run(["validate", "people.csv", "--google-return-url", "http://example.com/", "--hosting-check", "off"])
            #expect(r.status == 2, "\(r)")
            #expect(r.err.contains("--google-return-url") && r.err.contains("https"))
        }
    }
}
