// swift-tools-version:6.0
import PackageDescription

/// resource-batch: bulk import/export of OnSched resources. The toolchain is the only dependency.
/// The stages call each other's small accessors on every row (validate's hot path crosses Model,
/// Input, Rules and Report): in release builds they are optimized across modules, as one module
/// was before the split.
let stageSettings: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
    name: "resource-batch",
    products: [
        .executable(name: "resource-batch", targets: ["resource-batch"]),
        .executable(name: "resource-batch-bench", targets: ["resource-batch-bench"]),
        .library(name: "BatchCore", targets: ["BatchCore"]),
        .library(name: "CSVCodec", targets: ["CSVCodec"]),
        .library(name: "OnSchedEmulator", targets: ["OnSchedEmulator"]),
        .library(name: "XLSXCodec", targets: ["XLSXCodec"]),
        .library(name: "JSONCodec", targets: ["JSONCodec"]),
    ],
    targets: [
        .target(
            name: "CSVCodec",
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        // ZIP, deflate/inflate and the streaming .xlsx writer and reader: no dependency at all.
        .target(
            name: "XLSXCodec",
            // As CSVCodec: the writers' hot loops on class state pay no dynamic exclusivity checks
            // (no access in this target overlaps another; the static checks still apply).
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        // The byte-level JSON scanner and writer of the API's answers and bodies (issue 17): no dependency.
        // Optimized across modules like the stages: its small accessors run per key and value.
        .target(name: "JSONCodec", swiftSettings: stageSettings),
        // One target per stage of the data's path (architecture.md), each a folder under
        // Sources/BatchCore, so the folders read like the diagram. Each may import only the stages
        // before it: the compiler, not a review, keeps the arrows pointing one way.
        .target(name: "BatchModel", dependencies: ["JSONCodec"], path: "Sources/BatchCore/Model", swiftSettings: stageSettings),
        .target(name: "BatchInput", dependencies: ["BatchModel", "CSVCodec", "XLSXCodec"], path: "Sources/BatchCore/Input", swiftSettings: stageSettings),
        .target(name: "BatchRules", dependencies: ["BatchModel", "BatchInput", "CSVCodec"], path: "Sources/BatchCore/Rules", swiftSettings: stageSettings),
        .target(name: "BatchWire", dependencies: ["BatchModel", "JSONCodec"], path: "Sources/BatchCore/Wire", swiftSettings: stageSettings),
        .target(name: "BatchJournal", dependencies: ["BatchModel", "JSONCodec"], path: "Sources/BatchCore/Journal", swiftSettings: stageSettings),
        .target(name: "BatchReport", dependencies: ["BatchModel", "BatchInput", "BatchRules", "CSVCodec", "XLSXCodec"],
                path: "Sources/BatchCore/Report", swiftSettings: stageSettings),
        .target(name: "BatchSync", dependencies: ["BatchModel", "BatchJournal", "BatchReport"],
                path: "Sources/BatchCore/Sync", swiftSettings: stageSettings),
        .target(name: "BatchJobs",
                dependencies: ["BatchModel", "BatchInput", "BatchRules", "BatchWire", "BatchJournal", "BatchReport", "BatchSync", "CSVCodec", "JSONCodec"],
                path: "Sources/BatchCore/Jobs", swiftSettings: stageSettings),
        // The umbrella: `import BatchCore` gives every stage.
        .target(name: "BatchCore",
                dependencies: ["BatchModel", "BatchInput", "BatchRules", "BatchWire", "BatchJournal", "BatchReport", "BatchSync", "BatchJobs"],
                path: "Sources/BatchCore/Umbrella"),
        // Deliberately independent of BatchCore: the emulator must not share the client's idea of the API.
        .target(name: "OnSchedEmulator"),
        .executableTarget(name: "resource-batch", dependencies: ["BatchCore", "CSVCodec", "OnSchedEmulator"]),
        .executableTarget(name: "resource-batch-bench", dependencies: ["BatchCore", "CSVCodec", "OnSchedEmulator", "XLSXCodec"]),
        // Starts programs for tests without Foundation.Process's descriptor leak under parallel tests.
        .target(name: "TestSupport", dependencies: ["OnSchedEmulator"], path: "Tests/TestSupport"),
        .testTarget(name: "CSVCodecTests", dependencies: ["CSVCodec", "TestSupport"]),
        .testTarget(name: "BatchCoreTests", dependencies: [
            "BatchModel", "BatchInput", "BatchRules", "BatchWire", "BatchJournal", "BatchReport", "BatchSync", "BatchJobs",
            "BatchCore", "CSVCodec", "JSONCodec", "OnSchedEmulator", "TestSupport",
        ]),
        .testTarget(name: "XLSXCodecTests", dependencies: ["XLSXCodec", "TestSupport"]),
        .testTarget(name: "JSONCodecTests", dependencies: ["JSONCodec", "TestSupport"]),
        .testTarget(name: "OnSchedEmulatorTests", dependencies: ["OnSchedEmulator", "TestSupport"]),
        // Runs the built binaries as a user would; depending on them makes `swift test` build them.
        .testTarget(name: "EndToEndTests", dependencies: ["resource-batch", "OnSchedEmulator", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
