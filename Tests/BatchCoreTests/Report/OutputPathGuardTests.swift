import Foundation
import TestSupport
import Testing
@testable import BatchCore
@testable import BatchInput
@testable import BatchReport
#if canImport(Glibc)
import Glibc
#endif

/// ``OutputPathGuard``: pure decisions over facts, then the same cases on real files.
@Suite struct OutputPathGuardTests {
    typealias Facts = OutputPathFacts
    static func out(_ role: String, _ path: String) -> OutputPathGuard.Output { .init(role: role, path: path) }
    static let fileA = Facts(kind: .regular, identity: .init(device: 1, inode: 10), resolvedName: "/d/a")
    static let fileB = Facts(kind: .regular, identity: .init(device: 1, inode: 11), resolvedName: "/d/b")

    func problem(input: (String, Facts)? = nil, _ outputs: [(OutputPathGuard.Output, Facts)]) -> OutputPathError? {
        do { try OutputPathGuard.decide(input: input, outputs: outputs) } catch { return error }
        return nil
    }

    @Test func decisionsOverFacts() {
        let link = Facts(kind: .symbolicLink(target: "/etc/passwd", dangling: false), resolvedName: "/d/r")
        #expect(problem([(Self.out("the report", "r"), link)])
            == .symbolicLink(role: "the report", path: "r", target: "/etc/passwd", dangling: false))
        // The same inode under another name (a hard link, `./in.csv`) is the input.
        let alias = Facts(kind: .regular, identity: Self.fileA.identity, resolvedName: "/d/other")
        #expect(problem(input: ("in.csv", Self.fileA), [(Self.out("the errors file", "./in.csv"), alias)])
            == .sameAsInput(role: "the errors file", path: "./in.csv", input: "in.csv"))
        // Two files that do not exist yet, under one resolved name.
        let new1 = Facts(kind: .missing, resolvedName: "/d/new")
        #expect(problem([(Self.out("the report", "new"), new1), (Self.out("the journal", "/d/new"), new1)])
            == .sameFile(role: "the journal", path: "/d/new", otherRole: "the report", otherPath: "new"))
        #expect(problem([(Self.out("the report", "h"), Facts(kind: .regular, identity: .init(device: 1, inode: 4), linkCount: 2))])
            == .hardLinked(role: "the report", path: "h", links: 2))
        #expect(problem([(Self.out("the report", "x/y"), Facts(kind: .missing, parentProblem: .missing(directory: "x")))])
            == .noDirectory(role: "the report", path: "x/y", directory: "x"))
        #expect(problem([(Self.out("the report", "d"), Facts(kind: .directory, identity: .init(device: 1, inode: 2)))])
            == .isDirectory(role: "the report", path: "d"))
        #expect(problem([(Self.out("the report", "f"), Facts(kind: .regular, identity: .init(device: 1, inode: 3),
                                                               notWritableReason: "Permission denied"))])
            == .notWritable(role: "the report", path: "f", reason: "Permission denied"))
        // Standard output is never checked; distinct files pass; /dev/null may take two outputs.
        #expect(problem(input: ("in.csv", Self.fileA), [(Self.out("the report", "-"), Self.fileA),
                                                        (Self.out("the summary", "b"), Self.fileB)]) == nil)
        let null = Facts(kind: .characterDevice, identity: .init(device: 5, inode: 6), resolvedName: "/dev/null")
        #expect(problem([(Self.out("the report", "/dev/null"), null), (Self.out("the summary", "/dev/null"), null)]) == nil)
    }

    @Test func realFilesLinksAndAliases() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let input = try dir.write("in.csv", "name,email\n")
        try dir.write("victim", "keep\n")
        #expect(symlink(dir.path("victim"), dir.path("link.csv")) == 0)
        #expect(symlink(dir.path("nowhere"), dir.path("dangling.csv")) == 0)
        #expect(link(input, dir.path("hard.csv")) == 0)
        func check(_ path: String, input: String? = input) -> OutputPathError? {
            do { try OutputPathGuard.check(input: input, outputs: [Self.out("the report", path)]) } catch { return error }
            return nil
        }
        #expect(check(dir.path("link.csv")) == .symbolicLink(role: "the report", path: dir.path("link.csv"),
                                                              target: dir.path("victim"), dangling: false))
        #expect(check(dir.path("dangling.csv")) == .symbolicLink(role: "the report", path: dir.path("dangling.csv"),
                                                                  target: dir.path("nowhere"), dangling: true))
        let aliases = [dir.path("hard.csv"), dir.url.path + "/./in.csv", dir.url.path + "//in.csv"]
        for alias in aliases {
            #expect(check(alias) == .sameAsInput(role: "the report", path: alias, input: input), "\(alias)")
        }
        // The input reached through a link in its folder's path is still the input.
        #expect(symlink(dir.url.path, dir.path("again")) == 0)
        #expect(check(dir.path("again") + "/in.csv") == .sameAsInput(role: "the report", path: dir.path("again") + "/in.csv", input: input))
        #expect(check(dir.path("no/such/dir/out.csv")) == .noDirectory(role: "the report", path: dir.path("no/such/dir/out.csv"),
                                                                        directory: dir.path("no/such/dir")))
        #expect(check(dir.url.path) == .isDirectory(role: "the report", path: dir.url.path))
        #expect(check(dir.path("new.csv")) == nil)
        #expect(check("-") == nil)
        // Two outputs that do not exist yet, spelled differently.
        do {
            try OutputPathGuard.check(input: input, outputs: [Self.out("the report", dir.path("r.csv")),
                                                              Self.out("the journal", dir.path("again") + "/./r.csv")])
            Issue.record("the same new file twice passed")
        } catch {
            #expect(error == .sameFile(role: "the journal", path: dir.path("again") + "/./r.csv", otherRole: "the report", otherPath: dir.path("r.csv")))
        }
        #expect(try String(contentsOfFile: dir.path("victim"), encoding: .utf8) == "keep\n")
    }

    /// The open itself refuses a link (a link planted after the check), dangling or not, and
    /// neither truncates nor `chmod`s what it points to.
    @Test func openRefusesLinks() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("victim", "keep\n")
        #expect(chmod(dir.path("victim"), 0o644) == 0)
        #expect(symlink(dir.path("victim"), dir.path("link.csv")) == 0)
        #expect(symlink(dir.path("created-elsewhere"), dir.path("dangling.csv")) == 0)
        #expect(throws: InputError.self) { try OutputFile(path: dir.path("link.csv")) }
        #expect(throws: InputError.self) { try OutputFile(path: dir.path("dangling.csv")) }
        let errors = ErrorsWriter(path: dir.path("link.csv"), format: .csv(delimiter: nil), headers: ["name"], delimiter: 44, bom: false)
        #expect(throws: InputError.self) { try errors.write(raw: Array("x".utf8), message: "m") }
        #expect(try String(contentsOfFile: dir.path("victim"), encoding: .utf8) == "keep\n")
        #expect(try fileMode(dir.path("victim")) == 0o644)
        #expect(!dir.exists("created-elsewhere"))
        // A hard link to someone else's file is not truncated either.
        #expect(link(dir.path("victim"), dir.path("hard.csv")) == 0)
        #expect(throws: InputError.self) { try OutputFile(path: dir.path("hard.csv")) }
        #expect(try String(contentsOfFile: dir.path("victim"), encoding: .utf8) == "keep\n")
        // A FIFO is refused rather than waited on.
        #expect(mkfifo(dir.path("fifo"), 0o600) == 0)
        #expect(throws: InputError.self) { try OutputFile(path: dir.path("fifo")) }
        // A regular file is truncated to what is written, mode 0600.
        try dir.write("plain.csv", "old old old old\n")
        let file = try OutputFile(path: dir.path("plain.csv"))
        try file.write(Array("new\n".utf8))
        try file.close()
        #expect(try dir.read("plain.csv") == Array("new\n".utf8))
        #expect(try fileMode(dir.path("plain.csv")) == 0o600)
    }
}
