import ArgumentParser
import Sandbox
import SandboxSpec

/// The sandbox's limits and views, shared by every command that runs candidate code.
struct SandboxOptions: ParsableArguments {
    /// The defaults are the configuration's own, which `probe run`'s fast path starts from too.
    private static let defaults = SandboxConfiguration()

    @Option(help: "Seccomp profile: a name under Sandboxes/ (pytest, service) or a path to a JSON profile.")
    var profile = defaults.profile

    @Option(name: .customLong("cpu-time"), help: "CPU-time limit for the whole process tree, in seconds.")
    var cpuTime = defaults.cpuTimeSeconds

    @Option(name: .customLong("wall-time"), help: "Wall-time limit, in seconds.")
    var wallTime = defaults.wallTimeSeconds

    @Option(help: "Memory limit for the whole process tree, in MiB (cgroup memory controller).")
    var memory = defaults.memoryMiB

    @Option(help: "Most processes and threads the sandbox may have at once.")
    var pids = defaults.pids

    @Option(name: .customLong("output-limit"), help: "Most stdout and stderr kept, together, in KiB; more ends the run.")
    var outputLimit = defaults.outputLimitKiB

    @Option(name: .customLong("file-size"), help: "Largest file the sandbox may write, in MiB.")
    var fileSize = defaults.fileSizeMiB

    @Option(name: .customLong("tmp-size"), help: "Size of the sandbox's private /tmp, in MiB.")
    var tmpSize = defaults.tmpSizeMiB

    @Option(name: .customLong("work-size"), help: "Size of the private work dir (a tmpfs at /box) used when --workdir is not given, in MiB.")
    var workSize = defaults.workSizeMiB

    @Option(help: "none: no network at all; loopback: a private loopback only the sandbox can reach.")
    var network = defaults.network

    @Option(name: .customLong("ro"), help: "Show PATH read-only, at the same path. Repeatable.")
    var readOnly: [String] = []

    @Option(name: .customLong("rw"), help: "Show PATH read-write, at the same path. Repeatable.")
    var readWrite: [String] = []

    @Option(help: "Working directory: a host folder, shown read-write at its own path. Default: a fresh, empty, private tmpfs at /box (see --work-size).")
    var workdir: String?

    @Option(name: .customLong("env"), help: "Set KEY=VALUE in the sandbox's otherwise empty environment. Repeatable.")
    var environment: [String] = []

    @Flag(name: .customLong("allow-degraded"), help: "Run even when a layer cannot be applied, and report it missing.")
    var allowDegraded = false

    func validate() throws {
        do {
            try configuration(command: ["-"]).validate()
        } catch let error as SandboxError {
            throw ValidationError(error.message)
        }
    }

    func configuration(command: [String]) -> SandboxConfiguration {
        var c = SandboxConfiguration()
        c.profile = profile
        c.cpuTimeSeconds = cpuTime
        c.wallTimeSeconds = wallTime
        c.memoryMiB = memory
        c.pids = pids
        c.outputLimitKiB = outputLimit
        c.fileSizeMiB = fileSize
        c.tmpSizeMiB = tmpSize
        c.workSizeMiB = workSize
        c.network = network
        c.readOnlyPaths = readOnly
        c.readWritePaths = readWrite
        c.workdir = workdir
        c.environment = environment
        c.allowDegraded = allowDegraded
        c.command = command
        return c
    }
}

extension NetworkMode: ExpressibleByArgument {}
