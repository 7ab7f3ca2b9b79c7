// swift-tools-version:6.0
import PackageDescription

/// resource-batch: bulk import/export of OnSched resources. The toolchain is the only dependency.
let package = Package(
    name: "resource-batch",
    products: [
        .executable(name: "resource-batch", targets: ["resource-batch"]),
        .executable(name: "resource-batch-bench", targets: ["resource-batch-bench"]),
        .library(name: "BatchCore", targets: ["BatchCore"]),
        .library(name: "CSVCodec", targets: ["CSVCodec"]),
        .library(name: "OnSchedEmulator", targets: ["OnSchedEmulator"]),
    ],
    targets: [
        .target(
            name: "CSVCodec",
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        .target(name: "BatchCore", dependencies: ["CSVCodec"]),
        // Deliberately independent of BatchCore: the emulator must not share the client's idea of the API.
        .target(name: "OnSchedEmulator"),
        .executableTarget(name: "resource-batch", dependencies: ["BatchCore", "CSVCodec", "OnSchedEmulator"]),
        .executableTarget(name: "resource-batch-bench", dependencies: ["BatchCore", "CSVCodec", "OnSchedEmulator"]),
        // Starts programs for tests without Foundation.Process's descriptor leak under parallel tests.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CSVCodecTests", dependencies: ["CSVCodec", "TestSupport"]),
        .testTarget(name: "BatchCoreTests", dependencies: ["BatchCore", "CSVCodec", "OnSchedEmulator", "TestSupport"]),
        .testTarget(name: "OnSchedEmulatorTests", dependencies: ["OnSchedEmulator", "TestSupport"]),
        // Runs the built binaries as a user would; depending on them makes `swift test` build them.
        .testTarget(name: "EndToEndTests", dependencies: ["resource-batch", "OnSchedEmulator", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
