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
    public var openFiles: UInt64 = 256
    public var network: NetworkMode = .none
    public var readOnlyPaths: [String] = []
    public var readWritePaths: [String] = []
    /// The target's working directory; a fresh, empty one when nil.
    public var workdir: String?
    public var environment: [String] = []
    public var allowDegraded = false
    /// Give the target a pipe as fd 3 and collect what it writes there in ``Verdict/channel``.
    public var resultChannel = false
    /// Most channel bytes kept, in KiB; the rest is read and dropped.
    public var channelLimitKiB: UInt64 = 16 * 1024
    public var command: [String] = []

    public init() {}
}
