// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Hearth",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hearth", targets: ["hearth"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The `${{ }}` language: lexer, parser, evaluator, values, functions.
        .target(name: "Expressions", swiftSettings: strict),
        // YAML → typed workflow model with source positions; matrix; job graph.
        .target(name: "Workflow", dependencies: ["Expressions", .product(name: "Yams", package: "Yams")], swiftSettings: strict),
        // Execution environments (host now; Podman and Kubernetes later) behind one protocol.
        .target(name: "Backends", dependencies: ["CHearthSpawn"], swiftSettings: strict),
        // posix_spawn with a process group and a working directory (glibc's _np calls need C).
        .target(name: "CHearthSpawn"),
        // One job's steps, the run planner, events and file/workflow commands.
        .target(name: "Engine", dependencies: ["Workflow", "Expressions", "Backends"], swiftSettings: strict),
        // The command line (`exec`, `validate`, `version`), as a library so tests can drive it.
        .target(name: "HearthCLI", dependencies: [
            "Engine", "Workflow", "Expressions", "Backends",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        // Test doubles shared by the test suites: a git smart-HTTP server on loopback, …
        .target(name: "HearthTestSupport", swiftSettings: strict),
        .executableTarget(name: "hearth", dependencies: ["HearthCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")], swiftSettings: strict),
        .executableTarget(name: "HearthBench", dependencies: ["Engine", "Workflow", "Expressions", "Backends", .product(name: "Yams", package: "Yams")],
                          path: "Benchmarks/HearthBench", swiftSettings: strict),
        .testTarget(name: "ExpressionsTests", dependencies: ["Expressions"], swiftSettings: strict),
        .testTarget(name: "WorkflowTests", dependencies: ["Workflow", "Expressions"], swiftSettings: strict),
        .testTarget(name: "BackendsTests", dependencies: ["Backends"], swiftSettings: strict),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Workflow", "Expressions", "Backends", "HearthTestSupport"], swiftSettings: strict),
        .testTarget(name: "HearthCLITests", dependencies: ["HearthCLI", "HearthTestSupport"], swiftSettings: strict),
    ]
)
