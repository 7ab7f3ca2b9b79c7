import Foundation

enum EmulatorBench {
    static func run(_ args: [String]) async -> Int32 {
        FileHandle.standardError.write(Data("emulator benchmark: not built yet\n".utf8))
        return 2
    }
}
