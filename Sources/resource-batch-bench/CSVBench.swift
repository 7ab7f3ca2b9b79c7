import Foundation

enum CSVBench {
    static func run(_ args: [String]) async -> Int32 {
        FileHandle.standardError.write(Data("csv benchmark: not built yet\n".utf8))
        return 2
    }
}
