/// How a task's tests run in the sandbox: its profile, network and limits. Carried in the
/// candidate's bundle too (in `probe-task.json`), so `probe check` runs the public tests
/// exactly as `probe grade` will, without the task bank.
public struct RunSettings: Codable, Equatable, Sendable {
    public var profile: String
    /// `none` or `loopback`.
    public var network: String
    public var cpuSeconds: Double
    public var wallSeconds: Double
    public var memoryMiB: UInt64

    enum CodingKeys: String, CodingKey {
        case profile, network
        case cpuSeconds = "cpu_seconds"
        case wallSeconds = "wall_seconds"
        case memoryMiB = "memory_mib"
    }

    public init(profile: String, network: String, cpuSeconds: Double, wallSeconds: Double, memoryMiB: UInt64) {
        self.profile = profile
        self.network = network
        self.cpuSeconds = cpuSeconds
        self.wallSeconds = wallSeconds
        self.memoryMiB = memoryMiB
    }
}

extension TaskManifest {
    public var runSettings: RunSettings {
        RunSettings(profile: sandbox.profile, network: sandbox.network.rawValue, cpuSeconds: limits.cpu.seconds,
                    wallSeconds: limits.wall.seconds, memoryMiB: limits.memory.mebibytes)
    }
}
