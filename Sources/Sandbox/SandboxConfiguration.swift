import SandboxSpec

/// One sandboxed run, as `probe run` and the graders describe it.
public struct SandboxConfiguration: Sendable {
    /// A profile name under `Sandboxes/` (`pytest`, `service`) or a path to a JSON profile.
    public var profile: String = "pytest"
    public var cpuTimeSeconds: Double = 10
    public var wallTimeSeconds: Double = 30
    public var memoryMiB: UInt64 = 512
    public var pids: UInt64 = 128
    public var outputLimitKiB: UInt64 = 1024
    /// Largest file the target may write, and size of its `/tmp`.
    public var fileSizeMiB: UInt64 = 64
    public var tmpSizeMiB: UInt64 = 64
    /// Size of the private work dir, a tmpfs, when ``workdir`` is nil.
    public var workSizeMiB: UInt64 = 64
    public var openFiles: UInt64 = 256
    public var network: NetworkMode = .none
    public var readOnlyPaths: [String] = []
    public var readWritePaths: [String] = []
    /// The target's working directory, a host folder shown read-write; when nil, a fresh,
    /// empty tmpfs of ``workSizeMiB`` at ``SandboxRunner/privateWorkdir``, gone after the run.
    public var workdir: String?
    public var environment: [String] = []
    public var allowDegraded = false
    /// Give the target a stream socket at ``channelDescriptor`` and collect what it writes
    /// there in ``Verdict/channel``; ``channelResponder`` may answer on it.
    public var resultChannel = false
    /// Where the target finds the result channel.
    public static let channelDescriptor = LaunchSpec.targetChannelFD
    /// Most channel bytes kept, in KiB; the rest is read and dropped.
    public var channelLimitKiB: UInt64 = 16 * 1024
    /// Called with each chunk read from the result channel as it arrives, for live progress.
    /// The verdict still holds the whole channel.
    public var channelObserver: (@Sendable ([UInt8]) -> Void)?
    /// Called with each chunk read from the result channel, after ``channelObserver``; what it
    /// returns is sent back to the target on the channel. A target that stops reading its
    /// answers gets no more of them: they are sent without blocking, and the first one that
    /// does not fit ends the answering, so the run loop never waits on the sandbox.
    public var channelResponder: (@Sendable ([UInt8]) -> [UInt8])?
    /// Told once the launcher runs: its pid and the run's cgroups, so a caller can find the
    /// sandbox's namespaces and sample its process tree while it runs.
    public var startObserver: (@Sendable (SandboxStart) -> Void)?
    /// Ends the run when another thread asks, e.g. a service the grader is done with.
    public var stopSignal: SandboxStopSignal?
    public var command: [String] = []

    public init() {}
}

/// What ``SandboxConfiguration/startObserver`` learns about a run that has started.
public struct SandboxStart: Sendable {
    /// The launcher, in the host's pid namespace; the sandbox's namespaces belong to its children.
    public var launcherPID: Int32
    /// The run's cgroup directories; each one's `cgroup.procs` lists the whole tree.
    public var cgroupDirectories: [String]
}

extension SandboxConfiguration {
    /// Upper bounds that keep every derived figure (bytes, milliseconds) far from overflow.
    static let maximumSeconds: Double = 7 * 24 * 3600
    static let maximumCount: UInt64 = 1 << 24

    /// Refuses values that make no sense, naming the flag: zero or negative limits, limits so
    /// large that derived figures would overflow, a missing command, a malformed --env.
    public func validate() throws {
        let c = self
        for (value, flag) in [(c.cpuTimeSeconds, "--cpu-time"), (c.wallTimeSeconds, "--wall-time")]
        where !(value > 0 && value <= Self.maximumSeconds) {
            throw SandboxError(.invalidConfiguration, "\(flag): expected a positive number of seconds up to a week, got \(value)")
        }
        for (value, flag) in [(c.memoryMiB, "--memory"), (c.pids, "--pids"), (c.outputLimitKiB, "--output-limit"),
                              (c.tmpSizeMiB, "--tmp-size"), (c.workSizeMiB, "--work-size"), (c.fileSizeMiB, "--file-size"), (c.openFiles, "--open-files"),
                              (c.channelLimitKiB, "channel limit")]
        where value == 0 || value > Self.maximumCount {
            throw SandboxError(.invalidConfiguration, "\(flag): expected a positive number up to \(Self.maximumCount), got \(value)")
        }
        guard !c.command.isEmpty else { throw SandboxError(.invalidConfiguration, "no command given after --") }
        for variable in c.environment where !variable.contains("=") || variable.hasPrefix("=") {
            throw SandboxError(.invalidConfiguration, "--env \(variable): expected KEY=VALUE")
        }
    }
}
