// swift-tools-version: 6.1
import PackageDescription

// MARK: - Products

let products: [Product] = [
    .executable(name: "ledgerline", targets: ["LedgerlineCLI"]),
    .executable(name: "ledgerline-bench", targets: ["LedgerlineBench"]),
    .library(name: "EventLog", targets: ["EventLog"]),
    .library(name: "Schemas", targets: ["Schemas"]),
    .library(name: "Projections", targets: ["Projections"]),
    .library(name: "Expressions", targets: ["Expressions"]),
    .library(name: "Experiments", targets: ["Experiments"]),
]

// MARK: - Dependencies
//
// Kept short on purpose: every package here is rebuilt from scratch by CI.

let dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
]

// MARK: - Targets

let targets: [Target] = [
    // C enters through one door: only EventLog imports CLMDB.
    .systemLibrary(
        name: "CLMDB",
        pkgConfig: "lmdb",
        providers: [.apt(["liblmdb-dev"])]
    ),
    // A fast JSON value, parser and canonical writer shared by every layer.
    .target(name: "JSON"),
    .target(
        name: "EventLog",
        dependencies: [
            "CLMDB",
            "JSON",
            "Yams",
            .product(name: "Crypto", package: "swift-crypto"),
        ]
    ),
    .target(name: "Schemas", dependencies: ["JSON", "EventLog"]),
    .target(name: "Expressions"),
    .target(name: "Projections", dependencies: ["JSON", "EventLog", "Schemas", "Yams"]),
    .target(
        name: "Experiments",
        dependencies: [
            "JSON", "EventLog", "Schemas", "Expressions", "Yams",
            .product(name: "Crypto", package: "swift-crypto"),
        ]
    ),
    .executableTarget(
        name: "LedgerlineCLI",
        dependencies: [
            "JSON", "EventLog", "Schemas", "Projections", "Expressions", "Experiments",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]
    ),
    .executableTarget(
        name: "LedgerlineBench",
        dependencies: ["JSON", "EventLog", "Schemas", "Projections", "Expressions", "Experiments"]
    ),
]

// MARK: - Tests

let testTargets: [Target] = [
    .testTarget(name: "JSONTests", dependencies: ["JSON"]),
    .testTarget(name: "EventLogTests", dependencies: ["EventLog", "JSON"]),
    .testTarget(name: "SchemasTests", dependencies: ["Schemas", "EventLog", "JSON"]),
    .testTarget(name: "ExpressionsTests", dependencies: ["Expressions"]),
    .testTarget(name: "ProjectionsTests", dependencies: ["Projections", "EventLog", "JSON"]),
    .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "EventLog", "JSON", "Expressions", "Schemas"]),
    .testTarget(name: "LedgerlineCLITests", dependencies: ["EventLog", "JSON"]),
]

let package = Package(
    name: "Ledgerline",
    platforms: [.macOS(.v15)],
    products: products,
    dependencies: dependencies,
    targets: targets + testTargets,
    swiftLanguageModes: [.v6]
)
