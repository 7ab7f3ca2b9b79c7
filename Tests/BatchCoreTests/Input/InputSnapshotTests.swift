import Foundation
import TestSupport
import Testing
@testable import BatchInput

@Suite struct InputSnapshotTests {
    @Test func aRewrittenAppendedOrReplacedFileIsAChange() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path("in.csv")
        try Data("name,email\nA,a@example.com\n".utf8).write(to: URL(fileURLWithPath: path))
        let before = try #require(InputSnapshot.take(path: path))
        #expect(before.change(to: InputSnapshot.take(path: path)) == nil)

        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("B,b@example.com\n".utf8))
        try handle.close()
        #expect(before.change(to: InputSnapshot.take(path: path))?.contains("size went from 27 to 43") == true)

        let appended = try #require(InputSnapshot.take(path: path))
        try Data("name,email\nC,c@example.com\nD,d@example.com\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        #expect(appended.change(to: InputSnapshot.take(path: path)) == "it was replaced by another file")

        try FileManager.default.removeItem(atPath: path)
        #expect(appended.change(to: InputSnapshot.take(path: path)) != nil)
        #expect(InputSnapshot.take(path: "-") == nil)
    }
}
