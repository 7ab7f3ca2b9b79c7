import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Hostile and broken input files, end to end through the built binary, for `validate` and for
/// `import --emulator`: each run must end on its own (no hang: a 60 s deadline kills it), with exit
/// code 1 or 2 (never a signal), and with a message that says where the problem is, on standard
/// error (input errors, exit 2) or in the report's message column (row problems, exit 1).
@Suite struct HostileInputTests {
    enum Mode: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case validate
        case importEmulator

        var testDescription: String { self == .validate ? "validate" : "import --emulator" }

        func arguments(_ file: String) -> [String] {
            let common = [file, "--hosting-check", "off", "--report", "report.jsonl", "--report-format", "jsonl"]
            switch self {
            case .validate: return ["validate"] + common
            case .importEmulator: return ["import"] + common + ["--emulator"]
            }
        }
    }

    /// What a case must end with.
    enum Expectation: Sendable {
        /// Exit 2; standard error holds every one of these texts.
        case inputError([String])
        /// Exit 1; for each (line, text): the report row of that input line is invalid and its message holds the text.
        case rowErrors([(line: Int, text: String)])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var file: String
        var bytes: @Sendable () -> [UInt8]
        var expected: Expectation
        var testDescription: String { name }
    }

    static let header = Array("name,email\n".utf8)
    static let ada = Array("Ada,ada@x.example\n".utf8)

    static let cases: [Case] = [
        Case(name: "unterminated quote", file: "unterminated.csv",
             bytes: { header + ada + Array("\"Bob,bob@x.example\nCy,cy@x.example\n".utf8) },
             expected: .inputError(["line 3", "never closed"])),
        Case(name: "stray quote", file: "stray.csv",
             bytes: { header + ada + Array("Bo\"b,bob@x.example\n".utf8) },
             expected: .inputError(["line 3, column 3", "quote"])),
        // Far enough into the file that import has started sending when the reader gets there.
        Case(name: "stray quote after 2,000 good rows", file: "late.csv",
             bytes: { header + ada + Array((1..<2_000).map { "P\($0),p\($0)@x.example\n" }.joined().utf8) + Array("Bo\"b,bob@x.example\n".utf8) },
             expected: .inputError(["line 2002, column 3", "quote"])),
        Case(name: "invalid UTF-8", file: "utf8.csv",
             bytes: { header + ada + [0x42, 0xFF, 0xFE, 0x62] + Array(",bob@x.example\n".utf8) },
             expected: .inputError(["line 3, column 2", "invalid UTF-8"])),
        Case(name: "NUL bytes", file: "nul.csv",
             bytes: { header + ada + [0x42, 0x00, 0x62] + Array(",bob@x.example\n".utf8) },
             expected: .inputError(["line 3, column 2", "NUL"])),
        Case(name: "random binary, 64 KiB", file: "random.csv",
             bytes: { randomBytes(65_536, seed: 0x5EED) },
             expected: .inputError(["random.csv: line ", ", column "])),
        Case(name: "empty file", file: "empty.csv", bytes: { [] },
             expected: .inputError(["empty.csv is empty"])),
        // A header without records is an input error (an export that broke), unless --allow-empty.
        Case(name: "header only", file: "header.csv", bytes: { header },
             expected: .inputError(["header.csv: no records after the header on line 1", "--allow-empty"])),
        Case(name: "no name column", file: "noname.csv",
             bytes: { Array("email,city\nada@x.example,Paris\n".utf8) },
             expected: .inputError(["no column feeds 'name'", "line 1"])),
        Case(name: "20 MB field", file: "big.csv",
             bytes: { header + [UInt8](repeating: UInt8(ascii: "A"), count: 20 << 20) + Array(",ada@x.example\n".utf8) },
             expected: .inputError(["line 2, column 1", "longer than"])),
        Case(name: "5,000 columns", file: "wide.csv", bytes: { wide(columns: 5_000) },
             expected: .rowErrors([(3, "email: 'not-an-email'")])),
        Case(name: "ragged rows", file: "ragged.csv",
             bytes: { header + Array("Ada,ada@x.example,extra\nBob\nCy,cy@x.example\n".utf8) },
             expected: .rowErrors([(2, "the record has 3 fields but the header has 2"), (3, "email: is required")])),
        Case(name: "Latin-1 without --encoding", file: "latin1.csv",
             bytes: { header + ada + Array("Jos".utf8) + [0xE9] + Array(",jose@x.example\n".utf8) },
             expected: .inputError(["line 3, column 4", "--encoding latin1"])),
        // Excel's "Unicode Text": the UTF-8 error's Latin-1 hint would send the user the wrong way.
        Case(name: "UTF-16 with a byte order mark", file: "unicode.csv",
             bytes: { [0xFF, 0xFE] + "name,email\nAda,ada@x.example\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } },
             expected: .inputError(["line 1, column 1", "UTF-16LE", "CSV UTF-8"])),
        Case(name: "JSONL with broken lines", file: "broken.jsonl",
             bytes: {
                 Array(("{\"name\":\"Ada\",\"email\":\"ada@x.example\"}\n{\"name\":\"Bob\",\nnot json at all\n[1,2]\n"
                     + "{\"name\":\"Cy\",\"email\":\"cy@x.example\"}\n").utf8)
             },
             expected: .rowErrors([(2, "line 2 is not valid JSON"), (3, "line 3 is not valid JSON"),
                                   (4, "line 4 is not a JSON object")])),
        Case(name: "deeply nested JSON", file: "deep.jsonl",
             bytes: { Array("{\"name\":\"Ada\",\"email\":\"ada@x.example\"}\n".utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 200_000) + [0x0A] },
             expected: .rowErrors([(2, "line 2: JSON nested deeper than")])),
    ]

    /// `columns` columns: name, email and unknown ones; one valid row, one with a bad e-mail.
    static func wide(columns: Int) -> [UInt8] {
        let extra = columns - 2
        var text = "name,email," + (3...columns).map { "col\($0)" }.joined(separator: ",") + "\n"
        let filler = Array(repeating: "v", count: extra).joined(separator: ",")
        text += "Ada,ada@x.example,\(filler)\nBob,not-an-email,\(filler)\n"
        return Array(text.utf8)
    }

    /// Reproducible noise (SplitMix64).
    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            withUnsafeBytes(of: z) { out.append(contentsOf: $0.prefix(count - out.count)) }
        }
        return out
    }

    @Test(arguments: cases, Mode.allCases)
    func hostileInputEndsCleanly(_ c: Case, _ mode: Mode) throws {
        let runner = try CLIRunner()
        runner.timeLimit = 60
        defer { runner.cleanUp() }
        try runner.write(c.file, c.bytes())
        let r = try runner.run(mode.arguments(c.file))

        #expect(!r.timedOut, "\(c.name): hung, killed after 60 s\n\(r)")
        #expect(r.signal == nil, "\(c.name): crashed\n\(r)")
        guard !r.timedOut, r.signal == nil else { return }
        // Whatever happens, standard error stays readable: no line of tens of kilobytes.
        let longest = r.err.split(separator: "\n").map(\.utf8.count).max() ?? 0
        #expect(longest < 4_000, "\(c.name): a \(longest)-byte line on standard error")

        switch c.expected {
        case .inputError(let texts):
            #expect(r.status == 2, "\(c.name)\n\(r)")
            for text in texts { #expect(r.err.contains(text), "\(c.name): no '\(text)' in\n\(r)") }
            if mode == .importEmulator {
                // Exit 2 promises that nothing was sent: the valid rows before the bad one were not created.
                let data = (try? String(contentsOfFile: runner.path(".resource-batch/emulator/emulator.json"), encoding: .utf8)) ?? ""
                let sent = data.contains("ada@x.example")
                #expect(!sent, "\(c.name): rows were sent before the input error (\(data.utf8.count) bytes of emulator data)")
            }
        case .rowErrors(let expected):
            #expect(r.status == 1, "\(c.name)\n\(r)")
            let rows = try reportRows(runner.path("report.jsonl"))
            for (line, text) in expected {
                let row = rows.first { ($0["line"] as? Int) == line }
                #expect(row?["status"] as? String == "invalid", "\(c.name): line \(line) in \(rows)")
                let message = row?["message"] as? String ?? ""
                #expect(message.contains(text), "\(c.name): line \(line) message '\(message)' lacks '\(text)'")
            }
            // Every other row went through: one row's problem does not stop the run.
            let others = rows.filter { row in !expected.contains { $0.line == row["line"] as? Int } }
            let fine: Set<String> = mode == .validate ? ["valid"] : ["created", "updated"]
            for row in others {
                #expect(fine.contains(row["status"] as? String ?? ""), "\(c.name): \(row)")
            }
        }
    }

    /// The 5,000-column warning names a few columns and counts the rest.
    @Test func wideHeaderWarningIsOneShortLine() throws {
        let runner = try CLIRunner()
        runner.timeLimit = 60
        defer { runner.cleanUp() }
        try runner.write("wide.csv", Self.wide(columns: 5_000))
        let r = try runner.run(["validate", "wide.csv", "--hosting-check", "off"])
        #expect(r.status == 1, "\(r)")
        let warning = r.err.split(separator: "\n").first { $0.contains("ignoring columns") }.map(String.init) ?? ""
        #expect(warning.contains("'col3', 'col4'"), "\(warning)")
        #expect(warning.contains("and 4978 more"), "\(warning)")
        #expect(warning.utf8.count < 600, "\(warning)")
    }

    /// Standard input cannot be checked before sending: a broken line after 2,000 good ones ends
    /// with exit 3 once rows were sent (exit 2 promises that nothing was), and the message says so.
    @Test func brokenLineOnStandardInputSaysRowsWereSent() throws {
        let runner = try CLIRunner()
        runner.timeLimit = 60
        defer { runner.cleanUp() }
        let late = Self.cases.first { $0.file == "late.csv" }!
        try runner.write("late.csv", late.bytes())
        let r = try runner.run(["import", "-", "--emulator", "--hosting-check", "off", "--quiet"], stdinFile: "late.csv")
        #expect(!r.timedOut && r.signal == nil, "\(r)")
        #expect(r.err.contains("-: line 2002, column 3"), "\(r)")
        // Whether rows went out before the reader met line 2002 depends on timing; the exit code
        // and the message must match what happened (in practice, hundreds of rows are sent).
        let data = (try? String(contentsOfFile: runner.path(".resource-batch/emulator/emulator.json"), encoding: .utf8)) ?? ""
        let sent = data.contains("@x.example")
        #expect(r.status == (sent ? 3 : 2), "sent: \(sent)\n\(r)")
        #expect(r.err.contains("already sent") == sent, "sent: \(sent)\n\(r)")
    }

    /// The up-front check must not read a FIFO (or a `<(…)` process substitution): that would take
    /// the data away from the import itself. 400 rows of ~1 KB, more than the reader's first block.
    @Test func fifoInputIsNotReadTwice() throws {
        let runner = try CLIRunner()
        runner.timeLimit = 60
        defer { runner.cleanUp() }
        let filler = String(repeating: "x", count: 1_000)
        let text = "name,email,description\n" + (1...400).map { "P\($0),p\($0)@x.example,\(filler)\n" }.joined()
        let fifo = runner.path("people.csv")
        #expect(mkfifo(fifo, 0o600) == 0)
        let bytes = Array(text.utf8)
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            guard fd >= 0 else { return }
            var done = 0
            while done < bytes.count {
                let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
                if n <= 0 { break }
                done += n
            }
            close(fd)
        }
        writer.start()
        let r = try runner.run(["import", "people.csv", "--emulator", "--hosting-check", "off", "--quiet",
                                "--report", "report.jsonl", "--report-format", "jsonl", "--rate", "100"])
        // Release the writer if the binary never opened the FIFO.
        let unblock = open(fifo, O_RDONLY | O_NONBLOCK)
        if unblock >= 0 { close(unblock) }
        #expect(!r.timedOut && r.signal == nil, "\(r)")
        #expect(r.status == 0, "\(r)")
        let rows = try reportRows(runner.path("report.jsonl"))
        #expect(rows.count == 400)
        #expect(rows.allSatisfy { $0["status"] as? String == "created" }, "\(rows.prefix(3))")
    }

    private func reportRows(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }
}
