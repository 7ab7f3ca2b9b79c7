import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// No output is written through a symbolic link, over the input, or over another output of the
/// same run (cli.md, "Report"; issue 12): the run exits 2 before any request, the link's target and
/// the input are unchanged, and the API saw nothing.
@Suite struct OutputPathTests {
    static let input = "name,email\nAda Lovelace,ada@example.com\nBad Row,not-an-email\n"

    /// A working directory with `in.csv`, a `victim` file, and an emulator with credentials.
    struct Setup {
        let cli: CLIRunner
        let emulator: LoopbackEmulator
        init() throws {
            emulator = try LoopbackEmulator()
            cli = try CLIRunner()
            cli.useCredentials()
            try cli.write("in.csv", OutputPathTests.input)
            try cli.write("victim", "keep me\n")
        }
        func cleanUp() {
            emulator.stop()
            cli.cleanUp()
        }

        /// Runs and checks the refusal: exit 2, `expected` on standard error, nothing sent,
        /// input and victim unchanged, no file created where the dangling link points.
        func expectRefused(_ arguments: [String], _ expected: String, _ what: String,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
            let result = try cli.run(arguments)
            #expect(result.status == 2, "\(what): \(result)", sourceLocation: sourceLocation)
            #expect(result.err.contains(expected), "\(what): expected '\(expected)' in \(result.err)", sourceLocation: sourceLocation)
            #expect(try emulator.stats()["requests"] == 0, "\(what): the API got a request", sourceLocation: sourceLocation)
            #expect(try cli.readText("in.csv") == OutputPathTests.input, "\(what): the input changed", sourceLocation: sourceLocation)
            #expect(try cli.readText("victim") == "keep me\n", "\(what): the link's target changed", sourceLocation: sourceLocation)
            #expect(!cli.exists("elsewhere"), "\(what): a dangling link created its target", sourceLocation: sourceLocation)
        }
    }

    static func validate(_ extra: [String]) -> [String] { ["validate", "in.csv", "--hosting-check", "off"] + extra }

    /// Each output of each command, as a link to an existing file and as a dangling link.
    @Test(arguments: ["victim", "elsewhere"])
    func symbolicLinksAreNeverFollowed(target: String) throws {
        let s = try Setup()
        defer { s.cleanUp() }
        #expect(symlink(target, s.cli.path("out.link")) == 0)
        let api = ["--rate", "100"] + s.emulator.apiArguments
        let cases: [(String, [String])] = [
            ("validate --report", Self.validate(["--report", "out.link"])),
            ("validate --errors", Self.validate(["--errors", "out.link"])),
            ("validate --summary-json", Self.validate(["--summary-json", "out.link"])),
            ("import --report", ["import", "in.csv", "--hosting-check", "off", "--report", "out.link"] + api),
            ("import --errors", ["import", "in.csv", "--hosting-check", "off", "--errors", "out.link"] + api),
            ("import --summary-json", ["import", "in.csv", "--hosting-check", "off", "--summary-json", "out.link"] + api),
            ("import --journal", ["import", "in.csv", "--hosting-check", "off", "--journal", "out.link"] + api),
            ("export --out", ["export", "--out", "out.link"] + api),
            ("export --summary-json", ["export", "--out", "x.csv", "--summary-json", "out.link"] + api),
            ("auth-links --out", ["auth-links", "--out", "out.link"] + returnOptions + api),
        ]
        for (what, arguments) in cases {
            try s.expectRefused(arguments, "symbolic link", "\(what) -> \(target)")
        }
        // The journal's lock file too: `r.csv.journal.lock` planted as a link.
        #expect(symlink(target, s.cli.path("r.csv.journal.lock")) == 0)
        try s.expectRefused(["import", "in.csv", "--hosting-check", "off", "--report", "r.csv"] + api,
                            "the journal's lock file", "the lock file -> \(target)")
    }

    /// The input under other spellings, as each output; the journal as the report.
    @Test func theInputAndOtherOutputsAreNeverOverwritten() throws {
        let s = try Setup()
        defer { s.cleanUp() }
        let api = ["--rate", "100"] + s.emulator.apiArguments
        #expect(symlink(".", s.cli.path("here")) == 0)
        let aliases = ["./in.csv", s.cli.path("in.csv"), s.cli.directory.path + "/./in.csv", "here/in.csv"]
        for alias in aliases {
            for option in ["--report", "--errors", "--summary-json"] {
                try s.expectRefused(Self.validate([option, alias]), "is the input file", "validate \(option) \(alias)")
                try s.expectRefused(["import", "in.csv", "--hosting-check", "off", option, alias] + api,
                                    "is the input file", "import \(option) \(alias)")
            }
            try s.expectRefused(["import", "in.csv", "--hosting-check", "off", "--journal", alias] + api,
                                "is the input file", "import --journal \(alias)")
        }
        try s.expectRefused(["import", "in.csv", "--hosting-check", "off", "--report", "r.csv", "--journal", "./r.csv"] + api,
                            "are the same file", "--journal equal to the report")
        try s.expectRefused(["import", "in.csv", "--hosting-check", "off", "--report", "r.csv", "--summary-json", "here/r.csv"] + api,
                            "are the same file", "--summary-json equal to the report")
        try s.expectRefused(["export", "--out", "e.csv", "--summary-json", "./e.csv"] + api, "are the same file", "export")
        try s.expectRefused(Self.validate(["--report", "no/such/folder/r.csv"]), "does not exist", "a missing folder")
        #expect(!s.cli.exists("r.csv") && !s.cli.exists("e.csv"), "\(s.cli.allFiles())")

        // The ordinary run still works, and the default outputs are created.
        let ok = try s.cli.run(["import", "in.csv", "--hosting-check", "off", "--summary-json", "s.json"] + api)
        #expect(ok.status == 1, "one invalid row: \(ok)")
        #expect(s.cli.exists("in.report.csv") && s.cli.exists("in.errors.csv") && s.cli.exists("s.json"))
    }
}
