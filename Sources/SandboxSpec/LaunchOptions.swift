import ArgumentParser

/// The launcher's command line. It is written by the orchestrator, never by hand, so every
/// check here guards against a mismatch between the two binaries rather than a user's typo.
public struct LaunchOptions: ParsableArguments {
    @Option(name: .customLong("cgroup-join")) var cgroupJoinFiles: [String] = []
    @Option(name: .customLong("uid-map")) var uidMap: String
    @Option(name: .customLong("gid-map")) var gidMap: String
    @Flag(name: .customLong("deny-setgroups")) var denySetgroups = false
    @Option(name: .customLong("sandbox-uid")) var sandboxUID: UInt32
    @Option(name: .customLong("sandbox-gid")) var sandboxGID: UInt32
    @Option var hostname: String
    @Option var network: String
    @Option(name: .customLong("ro")) var readOnlyPaths: [String] = []
    @Option(name: .customLong("rw")) var readWritePaths: [String] = []
    @Option var workdir: String
    @Option(name: .customLong("tmp-size")) var tmpSize: UInt64
    @Option(name: .customLong("rlimit")) var limits: [String] = []
    @Option(name: .customLong("seccomp-fd")) var seccompFD: Int32
    @Option(name: .customLong("seccomp-default")) var seccompDefault: String
    @Option(name: .customLong("report-fd")) var reportFD: Int32
    @Option(name: .customLong("lifeline-fd")) var lifelineFD: Int32
    @Flag(name: .customLong("allow-degraded")) var allowDegraded = false
    @Option(name: .customLong("env")) var environment: [String] = []
    @Option var executable: String
    @Argument(parsing: .postTerminator) var argv: [String] = []

    public init() {}

    public mutating func validate() throws {
        guard NetworkMode(rawValue: network) != nil else { throw ValidationError("--network: expected none or loopback, got '\(network)'") }
        guard DefaultSeccompAction(argument: seccompDefault) != nil else {
            throw ValidationError("--seccomp-default: expected errno:N or kill, got '\(seccompDefault)'")
        }
        for limit in limits where ResourceLimit(argument: limit) == nil {
            throw ValidationError("--rlimit: expected NAME=SOFT:HARD, got '\(limit)'")
        }
        for path in readOnlyPaths + readWritePaths + [workdir, executable] where !path.hasPrefix("/") {
            throw ValidationError("paths must be absolute, got '\(path)'")
        }
        guard !argv.isEmpty else { throw ValidationError("missing the target's argv after --") }
    }

    public var spec: LaunchSpec {
        var spec = LaunchSpec()
        spec.cgroupJoinFiles = cgroupJoinFiles
        spec.uidMap = uidMap
        spec.gidMap = gidMap
        spec.denySetgroups = denySetgroups
        spec.sandboxUID = sandboxUID
        spec.sandboxGID = sandboxGID
        spec.hostname = hostname
        spec.network = NetworkMode(rawValue: network) ?? .none
        spec.readOnlyPaths = readOnlyPaths
        spec.readWritePaths = readWritePaths
        spec.workdir = workdir
        spec.tmpSize = tmpSize
        spec.limits = limits.compactMap(ResourceLimit.init(argument:))
        spec.seccompFD = seccompFD
        spec.seccompDefault = DefaultSeccompAction(argument: seccompDefault) ?? .killProcess
        spec.reportFD = reportFD
        spec.lifelineFD = lifelineFD
        spec.allowDegraded = allowDegraded
        spec.environment = environment
        spec.executable = executable
        spec.argv = argv
        return spec
    }
}
