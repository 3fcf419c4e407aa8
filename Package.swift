// swift-tools-version: 6.0
import PackageDescription

// Both executables are linked statically: a dynamic Swift binary spends ~2 ms
// in the loader before main, which alone would blow the ≤3 ms per-launch budget.
// gold writes its output with write(2), not through a shared mapping: a file whose page cache
// was filled through a mapping sits in single pages, and every exec then faults it in page by
// page. Written in one pass it sits in large folios, and `probe run` spends about 0.6 ms less
// in the launcher's start-up and 0.3 ms less in its own (measured side by side, same bytes).
let staticExecutable: [LinkerSetting] = [
    .unsafeFlags(["-static-executable", "-Xlinker", "--no-mmap-output-file"]),
    // SwiftPM does not autolink what FoundationEssentials (pulled in by ArgumentParser) needs.
    .linkedLibrary("_FoundationCollections"),
    .linkedLibrary("_FoundationCShims"),
    .linkedLibrary("swiftSynchronization"),
    .linkedLibrary("CoreFoundation"),
    .linkedLibrary("_FoundationICU"),
    .linkedLibrary("stdc++"),
]

let package = Package(
    name: "Probe",
    products: [
        .executable(name: "probe", targets: ["ProbeMain"]),
        .executable(name: "probe-launcher", targets: ["ProbeLauncher"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", exact: "0.2.0"),
    ],
    targets: [
        // libseccomp, found through pkg-config; used only by the orchestrator to compile profiles.
        .systemLibrary(
            name: "CSeccomp",
            pkgConfig: "libseccomp",
            providers: [.apt(["libseccomp-dev"])]
        ),
        // One-line wrappers for what Glibc's module map does not expose. They keep errno.
        .target(name: "CProbeShims"),
        // What the orchestrator and the launcher agree on: the launch spec and the report records.
        .target(name: "SandboxSpec"),
        // The orchestrator side: profiles, cgroups, spawning, limits, verdicts.
        .target(
            name: "Sandbox",
            dependencies: ["CSeccomp", "CProbeShims", "SandboxSpec"]
        ),
        // The synchronous, single-threaded launcher: namespaces, mounts, limits, Landlock,
        // privileges, seccomp, then execve.
        .executableTarget(
            name: "ProbeLauncher",
            dependencies: ["CProbeShims", "SandboxSpec"],
            linkerSettings: staticExecutable
        ),
        // The task bank: task.yaml and friends, loading with clear errors, overlays, export.
        .target(
            name: "TaskBank",
            dependencies: [
                "Yams",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The HTTP/1.1 load generator behind `probe load`: SwiftNIO connections, hdrhistogram
        // latencies, closed and open loop. Knows nothing about tasks or sandboxes.
        .target(
            name: "Load",
            dependencies: [
                "CProbeShims",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // Load probes for load-hardening tasks: the candidate's service in the sandbox, a
        // downstream stub, and one probe per planted defect.
        .target(
            name: "LoadProbes",
            dependencies: [
                "Load", "Sandbox", "TaskBank",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Running pytest on a task in the sandbox, and proving tasks with `probe validate`.
        .target(
            name: "Grading",
            dependencies: ["Sandbox", "TaskBank", "Load", "LoadProbes", "Yams"]
        ),
        // The `probe` command, one file per subcommand; a library so that tests can reach it.
        .target(
            name: "ProbeCLI",
            dependencies: [
                "Sandbox",
                "TaskBank",
                "Grading",
                "Load",
                "LoadProbes",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "ProbeMain",
            dependencies: ["ProbeCLI"],
            linkerSettings: staticExecutable
        ),
        .target(
            name: "ProbeTestSupport",
            dependencies: ["Sandbox"],
            path: "Tests/ProbeTestSupport"
        ),
        .testTarget(
            name: "TaskBankTests",
            dependencies: ["TaskBank", "ProbeTestSupport"]
        ),
        .testTarget(
            name: "GradingTests",
            dependencies: ["Grading", "Sandbox", "TaskBank", "ProbeTestSupport"],
            // Hostile submissions, overlaid on a starter by the tamper tests; not bundled.
            exclude: ["Tamper", "Judgment"]
        ),
        .testTarget(
            name: "LoadTests",
            dependencies: [
                "Load",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "LoadProbesTests",
            dependencies: ["LoadProbes", "Load", "Sandbox", "TaskBank", "ProbeTestSupport", "Yams", "CProbeShims",
                           .product(name: "NIOCore", package: "swift-nio")],
            // The purpose-built target service the probes run against; not bundled.
            exclude: ["Services"]
        ),
        .testTarget(
            name: "ProbeCLITests",
            dependencies: ["ProbeCLI", "Sandbox", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "SandboxSpecTests",
            dependencies: ["SandboxSpec"]
        ),
        .testTarget(
            name: "SandboxTests",
            dependencies: ["Sandbox", "SandboxSpec", "ProbeTestSupport"],
            // Python programs run by the tests; located through #filePath, not bundled.
            exclude: ["Hostile", "Suites"]
        ),
    ]
)
