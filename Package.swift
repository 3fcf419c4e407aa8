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
]

let package = Package(
    name: "Probe",
    products: [
        .executable(name: "probe", targets: ["ProbeCLI"]),
        .executable(name: "probe-launcher", targets: ["ProbeLauncher"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
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
        .executableTarget(
            name: "ProbeCLI",
            dependencies: [
                "Sandbox",
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
