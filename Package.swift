// swift-tools-version: 6.0
import PackageDescription

// Both executables are linked statically: a dynamic Swift binary spends ~2 ms
// in the loader before main, which alone would blow the ≤3 ms per-launch budget.
let staticExecutable: [LinkerSetting] = [
    .unsafeFlags(["-static-executable"]),
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
        .executable(name: "probe", targets: ["ProbeCLI"]),
        .executable(name: "probe-launcher", targets: ["ProbeLauncher"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
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
        // Running pytest on a task in the sandbox, and proving tasks with `probe validate`.
        .target(
            name: "Grading",
            dependencies: ["Sandbox", "TaskBank", "Yams"]
        ),
        .executableTarget(
            name: "ProbeCLI",
            dependencies: [
                "Sandbox",
                "TaskBank",
                "Grading",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
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
