// swift-tools-version: 6.1

import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "reader",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "reader", targets: ["reader-cli"]),
        .executable(name: "reader-bench", targets: ["reader-bench"]),
        .library(name: "Model", targets: ["Model"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Interchange", targets: ["Interchange"]),
        .executable(name: "reader-server", targets: ["reader-server"]),
        .library(name: "Sync", targets: ["Sync"]),
        .library(name: "SyncServer", targets: ["SyncServer"]),
        .executable(name: "reader-web", targets: ["reader-web"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "3.12.3"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", exact: "2.0.1"),
        // The sync server: HTTP/1.1 on SwiftNIO with graceful shutdown (swift-service-lifecycle).
        // No traits: swift-configuration support is not used.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        // Hummingbird's own lifecycle (no new build): named for `withGracefulShutdownHandler`.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        // The reading room's pages (`reader serve`): logic-less templates that escape
        // every value by default. Pure Swift, no dependencies of its own.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
        // The sync server's PostgreSQL store (several server instances over one database):
        // the PostgreSQL wire protocol on SwiftNIO, with a connection pool and LISTEN/NOTIFY.
        // Costs about 2.5-4.5 min of CI build (NIOSSL, swift-crypto's extras, metrics).
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
    ],
    targets: [
        .target(
            name: "Model",
            swiftSettings: strict
        ),
        .target(
            name: "Storage",
            dependencies: ["Model", "CCrypto", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // libcrypto's SHA-256 for files entering the store, opened with dlopen on first use.
        .target(name: "CCrypto"),
        .target(
            name: "Interchange",
            dependencies: ["Model"],
            swiftSettings: strict
        ),
        // libcurl, opened with dlopen on the first request (Sources/CCurl/include/CCurl.h).
        .target(name: "CCurl"),
        // HTTP requests for the commands that use the network, on CCurl.
        .target(
            name: "HTTP",
            dependencies: ["CCurl"],
            swiftSettings: strict
        ),
        // Metadata lookup over the network (arXiv, Crossref, Hugging Face), paced
        // through the library: a library target so that it is tested in process.
        .target(
            name: "Lookup",
            dependencies: ["Model", "Interchange", "Storage", "HTTP"],
            swiftSettings: strict
        ),
        .target(
            name: "SyncWire",
            dependencies: ["Model"],
            swiftSettings: strict
        ),
        .target(
            name: "Sync",
            dependencies: ["Model", "Storage", "SyncWire", "HTTP", "Lookup"],
            swiftSettings: strict
        ),
        .target(
            name: "SyncServer",
            dependencies: [
                "Model", "SyncWire",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                // Already built for Hummingbird: waiting pulls are answered at graceful shutdown.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "reader-server",
            dependencies: [
                "SyncServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The local web reading room: pages over the same library, on Hummingbird.
        .target(
            name: "ReadingRoom",
            dependencies: [
                "Model", "Storage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // `reader serve` runs this executable, so that the web server's libraries
        // do not add to the start-up of every other `reader` command.
        .executableTarget(
            name: "reader-web",
            dependencies: [
                "ReadingRoom", "Storage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "reader-cli",
            dependencies: [
                "Model", "Storage", "Interchange", "Lookup", "Sync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict + [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))],
            // A statically linked Swift runtime and Foundation start in about 12 ms
            // instead of 19 ms (docs/benchmarks.md): every `reader` command pays it.
            // Position-dependent (-no-pie): the loader then has no 127,000 relative
            // relocations to apply at each start (7.3 to 6.0 ms); reader's own code
            // loses address randomization, libraries keep it.
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xclang-linker", "-no-pie"], .when(platforms: [.linux], configuration: .release))]
        ),
        .executableTarget(
            name: "reader-bench",
            dependencies: ["Model", "Interchange", "Sync", "SyncWire", "HTTP", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        // What every test target shares: temporary folders and libraries, a manual
        // clock, the repository's folder, the `slow` tag.
        .target(
            name: "TestSupport",
            dependencies: ["Model", "Storage"],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "ModelTests",
            dependencies: ["Model", .product(name: "PropertyBased", package: "swift-property-based"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "StorageTests",
            // Sync and SyncWire: the backup round trip also restores what a pull brought.
            dependencies: ["Storage", "Model", "Interchange", "Sync", "SyncWire", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "InterchangeTests",
            dependencies: ["Interchange", "Model", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HTTPTests",
            dependencies: ["HTTP"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LookupTests",
            dependencies: ["Lookup", "Interchange", "Model", "Storage", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SyncTests",
            dependencies: [
                "Sync", "SyncServer", "SyncWire", "Storage", "Model", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
                // To damage a server database's rows by hand (already built for Storage).
                .product(name: "GRDB", package: "GRDB.swift"),
                // To read the PostgreSQL store's plans (already built for SyncServer).
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReadingRoomTests",
            dependencies: [
                // Requests go over real HTTP on loopback to the built reader-web, with reader's own client.
                "ReadingRoom", "Storage", "Model", "HTTP", "TestSupport",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["Model", "TestSupport"],
            swiftSettings: strict
        ),
    ]
)
