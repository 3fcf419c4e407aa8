import SandboxSpec

/// What happened to one sandboxed run. Encoded with ``VerdictEncoding`` as the `--json` object.
public struct Verdict: Equatable, Sendable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case ok
        case runtimeError = "runtime-error"
        case signaled
        case cpuTimeLimit = "cpu-time-limit"
        case wallTimeLimit = "wall-time-limit"
        case memoryLimit = "memory-limit"
        case outputLimit = "output-limit"
        case blockedSyscall = "blocked-syscall"
        case setupError = "setup-error"
    }

    /// Where the wall time went, in milliseconds: loading and compiling the profile and
    /// preparing cgroups and paths; building the sandbox up to execve; the target; and
    /// tearing everything down.
    public struct Timing: Codable, Equatable, Sendable {
        public var prepare: UInt64
        public var setup: UInt64
        public var target: UInt64
        public var teardown: UInt64
    }

    public struct SetupFailure: Codable, Equatable, Sendable {
        public var stage: String
        public var message: String
    }

    public var status: Status
    /// A sentence saying why this status was chosen.
    public var reason: String
    public var exitCode: Int32?
    public var signal: Int32?
    public var cpuUserMS: UInt64
    public var cpuSysMS: UInt64
    public var wallMS: UInt64
    public var peakMemoryKiB: UInt64
    public var blockedSyscalls: [BlockedSyscall]
    /// Every layer, applied or not.
    public var layers: LayerStates
    /// Why a layer is missing, for each layer that is.
    public var missingLayers: [Layer: String]
    public var setupError: SetupFailure?
    public var stdout: String
    public var stderr: String
    public var stdoutTruncated: Bool
    public var stderrTruncated: Bool
    /// True when the CPU and memory figures come from a cgroup, i.e. cover the whole tree.
    public var accountingIsWholeTree: Bool
    public var timing: Timing
    /// What the target wrote to its fd 3 when the run asked for a result channel. Not part of
    /// the JSON verdict: the caller (a grader) decides what of it anyone may see.
    public var channel: [UInt8] = []
    public var channelTruncated = false

    /// The exit status `probe run` itself ends with: the child's exit code, or 128 + signal.
    public var processExitCode: Int32 {
        if status == .setupError { return 125 }
        if let signal { return 128 + signal }
        return exitCode ?? 1
    }

    /// The one-line human summary printed on stderr without `--json`.
    public var summary: String {
        var text = "probe: \(status.rawValue)"
        if let exitCode { text += "; exit \(exitCode)" }
        if let signal { text += "; signal \(signal)" }
        text += "; cpu \(cpuUserMS + cpuSysMS) ms, wall \(wallMS) ms, peak \(peakMemoryKiB) KiB"
        let missing = Layer.allCases.filter { layers[$0] != true }.map(\.rawValue)
        if !missing.isEmpty { text += "; missing layers: " + missing.joined(by: ", ") }
        return text + " (\(reason))"
    }
}

extension Verdict: Encodable {
    private enum Keys: String, CodingKey {
        case status, reason
        case exitCode = "exit_code", signal
        case cpuUserMS = "cpu_user_ms", cpuSysMS = "cpu_sys_ms", wallMS = "wall_ms", peakMemoryKiB = "peak_memory_kib"
        case accounting, timing = "timing_ms"
        case blockedSyscalls = "blocked_syscalls", layers, missingLayers = "missing_layers"
        case setupError = "setup_error"
        case stdout, stderr, stdoutTruncated = "stdout_truncated", stderrTruncated = "stderr_truncated"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(status, forKey: .status)
        try c.encode(reason, forKey: .reason)
        // Present and null rather than absent, so that consumers can rely on the keys.
        try c.encode(exitCode, forKey: .exitCode)
        try c.encode(signal, forKey: .signal)
        try c.encode(cpuUserMS, forKey: .cpuUserMS)
        try c.encode(cpuSysMS, forKey: .cpuSysMS)
        try c.encode(wallMS, forKey: .wallMS)
        try c.encode(peakMemoryKiB, forKey: .peakMemoryKiB)
        try c.encode(accountingIsWholeTree ? "cgroup" : "rusage", forKey: .accounting)
        try c.encode(timing, forKey: .timing)
        try c.encode(blockedSyscalls, forKey: .blockedSyscalls)
        try c.encode(Dictionary(uniqueKeysWithValues: Layer.allCases.map { ($0.rawValue, layers[$0] ?? false) }), forKey: .layers)
        try c.encode(Dictionary(uniqueKeysWithValues: missingLayers.map { ($0.key.rawValue, $0.value) }), forKey: .missingLayers)
        try c.encode(setupError, forKey: .setupError)
        try c.encode(stdout, forKey: .stdout)
        try c.encode(stderr, forKey: .stderr)
        try c.encode(stdoutTruncated, forKey: .stdoutTruncated)
        try c.encode(stderrTruncated, forKey: .stderrTruncated)
    }
}

extension Verdict {
    /// The verdict for a sandbox that failed before the launcher started.
    public static func setupFailure(stage: String, message: String) -> Verdict {
        Verdict(status: .setupError, reason: message, exitCode: nil, signal: nil, cpuUserMS: 0, cpuSysMS: 0, wallMS: 0,
                peakMemoryKiB: 0, blockedSyscalls: [], layers: LayerStates(), missingLayers: [:],
                setupError: SetupFailure(stage: stage, message: message), stdout: "", stderr: "",
                stdoutTruncated: false, stderrTruncated: false, accountingIsWholeTree: false,
                timing: Timing(prepare: 0, setup: 0, target: 0, teardown: 0))
    }
}
